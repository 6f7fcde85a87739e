import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { botContext } from '../../lambda/domain/bot-context';
import { benchBot } from './bench-bot';
import { intake, response, targetEnv } from './intake';

/** No dedup at all: every delivery of a message sends a reply. Shows how hard the storm is. */
const env = targetEnv(process.env);
const bot = benchBot(process.env);
const SEND_TIMEOUT_MS = 8_000;

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const read = intake(event, env.appSecret);
  if (read.kind === 'answer') return read.response;
  for (const message of read.messages) {
    if (message.replyTo === undefined) continue;
    const [part] = await bot.compose(message, botContext(message, Date.now()));
    if (part === undefined) continue;
    const result = await env.replies.send({
      tenantId: message.key.tenantId,
      to: message.replyTo,
      part,
      inReplyTo: message.key.messageId,
      callbackData: undefined,
      timeoutMs: SEND_TIMEOUT_MS,
    });
    if (result.kind === 'retryable' || result.kind === 'ambiguous') return response(500);
  }
  return response(200);
}
