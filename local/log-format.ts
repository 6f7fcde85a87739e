/** Fields every Powertools line carries; on a terminal they hide the one that matters. */
const CONTEXT_FIELDS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

/**
 * Printed by Powertools Metrics after every invocation that added no metric (handshakes, statuses);
 * in a local run, where metrics are off, it says nothing.
 */
const NO_METRICS_WARNING = 'No application metrics to publish.';

/**
 * The handler's JSON log line as one readable line (`   WARN  Duplicate Message Detected - ...
 * message_id=... reason=...`), null to drop it, or undefined when it is not a Powertools line.
 */
export function compactLogLine(line: string): string | null | undefined {
  if (line.startsWith(NO_METRICS_WARNING)) return null;
  if (!line.startsWith('{"level"')) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const fields = Object.entries(entry).filter(([name]) => !CONTEXT_FIELDS.has(name));
  const details = fields.map(
    ([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  const level = String(Reflect.get(entry, 'level') ?? '');
  return `   ${level.padEnd(5)} ${String(Reflect.get(entry, 'message') ?? '')}${details.length ? `  ${details.join(' ')}` : ''}`;
}

/**
 * Rewrites the handler's log lines on `stream` as they are written. Powertools writes each entry with
 * one `write` call, so whole lines arrive together; anything else passes through untouched.
 */
export function compactLogs(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream);
  const compacting = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk))
      return Reflect.apply(write, stream, [chunk, ...rest]);
    const text = chunk.toString();
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : undefined;
    const compacted = lines?.map(compactLogLine);
    if (!lines || !compacted || compacted.every((line) => line === undefined)) {
      return Reflect.apply(write, stream, [chunk, ...rest]);
    }
    const kept = compacted.flatMap((line, index) => (line === null ? [] : [line ?? lines[index] ?? '']));
    return Reflect.apply(write, stream, [kept.length ? `${kept.join('\n')}\n` : '', ...rest]);
  };
  // The overloads of `write` cannot be spelled by one function; this one forwards every form as given.
  stream.write = compacting as typeof stream.write;
}
