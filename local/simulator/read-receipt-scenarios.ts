import { expectStatus, type Scenario } from './scenario';
import { awaitReplies, readSink, repliesTo } from './sink-reader';
import { readReceipts } from './sink-reads';

// Issue #13's read receipts (MARK_AS_READ, TYPING_INDICATOR), through a local server started with
// `--read-receipts`: only the message's first owner marks it read, once, before the reply.
export const READ_RECEIPT_SCENARIOS: Scenario[] = [
  {
    name: 'read-receipt',
    title: 'a message 3 times at once: one receipt, then the reply',
    async run(sim) {
      const { readReceipts: receipts, sinkUrl, replyMode } = sim.target;
      if (!receipts?.markAsRead && !receipts?.typingIndicator) {
        return { problems: [], skipped: 'read receipts are off: start the server with --read-receipts' };
      }
      if (sinkUrl === undefined) return { problems: [], skipped: 'no Graph sink to read receipts from' };
      const message = sim.message('read-receipt', 'test');
      const body = sim.body(message);
      const copies = await Promise.all([1, 2, 3].map(() => sim.client.deliver(body, [message.id])));
      // Inline, every receipt (a second one too) is sent before its delivery's 200. Queued, the worker
      // sends it after the 200: wait for the reply, then a settling pause in which a second would show.
      if (replyMode === 'queued') await awaitReplies(sinkUrl, sim.prefix, [message.id]);

      const problems = copies.flatMap((attempts, index) => expectStatus(`copy ${index + 1}`, attempts, 200));
      const reads = ((await readReceipts(sinkUrl, sim.prefix)) ?? []).filter(
        (read) => read.messageId === message.id,
      );
      const [reply] = repliesTo((await readSink(sinkUrl, sim.prefix)) ?? [], message.id);
      const [read] = reads;
      if (reads.length !== 1 || read === undefined) {
        problems.push(`expected exactly 1 read receipt for ${message.id}, saw ${reads.length}`);
      } else {
        if (receipts.typingIndicator && !read.typing)
          problems.push('the read receipt has no typing indicator');
        if (reply?.at !== undefined && read.at > reply.at) {
          problems.push(`the read receipt (${read.at}) came after the reply (${reply.at})`);
        }
      }
      return { problems, expectedTexts: new Map([[message.id, 'test is working']]) };
    },
  },
];
