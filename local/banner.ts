import { ENV } from '../lambda/config/env-names';
import type { LocalServer } from './local-server';
import { DEFAULT_PORT, type LocalOptions } from './options';

const mode = (options: LocalOptions): string =>
  options.mode === 'queued'
    ? 'queued: the webhook answers once the claim is written; the worker replies (--mode queued)'
    : 'inline: the webhook replies before it answers Meta (--mode queued for the stream worker)';

const receipts = ({ markAsRead, typingIndicator }: LocalServer['readReceipts']): string =>
  markAsRead || typingIndicator
    ? `on: each message is marked read${typingIndicator ? ' with the typing indicator' : ''} before its reply`
    : `off (--read-receipts, or ${ENV.markAsRead}=true / ${ENV.typingIndicator}=true)`;
const BOT_LINES: Record<LocalOptions['bot'], (server: LocalServer) => string> = {
  default: () => 'the in-code default bot, lambda/bots/in-code-bot.ts (--bot example for the Python example)',
  example: (server) => `examples/python-bot/bot.py, protocol v1, at ${server.bot?.url} (--bot example)`,
  'example-rasa': (server) =>
    `examples/python-bot/bot.py, Rasa's REST shape (a stand-in, not Rasa), at ${server.bot?.url} (--bot example-rasa)`,
  other: () => `${ENV.botUrl} from your environment (${process.env[ENV.botProtocol] ?? 'protocol v1'})`,
};

/** What a newcomer needs on screen: where to send webhooks, with which secrets, and what to try next. */
export function banner(server: LocalServer, options: LocalOptions, startedInMs: number): string {
  const origin = `http://127.0.0.1:${server.port}`;
  const generated = (flag: boolean, name: string) =>
    flag ? `   (generated for this run; set ${name} to keep one)` : '';
  const simulate =
    server.port === DEFAULT_PORT ? 'npm run simulate' : `npm run simulate -- --url ${server.webhookUrl}`;
  const graph = server.sinkUrl
    ? `local sink: replies are printed below, nothing leaves this machine (record: ${server.sinkUrl})`
    : 'the real Graph API: replies go to real WhatsApp users';
  const challenge = `hub.mode=subscribe&hub.verify_token=${encodeURIComponent(options.verifyToken)}&hub.challenge=42`;
  return [
    '',
    `whatsapp-once local server, ready in ${(startedInMs / 1000).toFixed(1)} s`,
    '',
    `  Webhook URL   ${server.webhookUrl}`,
    `  Verify token  ${options.verifyToken}${generated(options.generated.verifyToken, ENV.verifyToken)}`,
    `  App secret    ${options.appSecret}${generated(options.generated.appSecret, ENV.appSecret)}`,
    `  Reply mode    ${mode(options)}`,
    '  Handler       lambda/handler.ts, the module you deploy',
    ...(server.queued
      ? [
          '  Worker        lambda/worker.ts on the table stream (polled 4 times a second, filter state = queued)',
          '  Re-drives     lambda/redrive.ts from a local SQS-like queue in memory (DelaySeconds honoured)',
        ]
      : []),
    `  Bot           ${BOT_LINES[options.bot](server)}`,
    `  DynamoDB      ${server.store.description}; table ${options.tableName} ${server.table}`,
    `  Graph API     ${graph}`,
    `  Read receipts ${receipts(server.readReceipts)}`,
    '',
    `  Simulate Meta:  ${simulate}   (in a second terminal)`,
    `  Handshake:      curl '${server.webhookUrl}?${challenge}'`,
    `  Real Meta:      expose port ${server.port} with a tunnel (for example \`ngrok http ${server.port}\`) and give Meta`,
    '                  https://<tunnel-host>/webhook with the verify token above. Meta signs with your',
    `                  app's secret: restart with ${ENV.appSecret} set to it (and --graph real with`,
    `                  ${ENV.accessToken} to answer for real). ${origin}/__sink/ is never served`,
    '                  through a tunnel.',
    '',
    'Ctrl-C to stop.',
    '',
  ].join('\n');
}
