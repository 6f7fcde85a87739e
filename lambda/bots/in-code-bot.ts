// The bot that answers when BOT_URL is unset: the one module to replace with your own in-code bot.
// Export a `Bot` named `inCodeBot` (compose(message, context) -> reply parts; [] for no reply);
// the composition root (lambda/app) takes it from here. docs/BOT.md shows an example.
export { defaultBot as inCodeBot } from './default-bot';
