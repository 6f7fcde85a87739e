/**
 * Captures what the function prints. Powertools Logger and Metrics write through their own
 * `Console` bound to process.stdout and process.stderr, so the streams' `write` is intercepted.
 * Build the app with POWERTOOLS_LOG_LEVEL=DEBUG (vi.stubEnv) to see every line.
 */
export interface CapturedLogs {
  /** Every line printed, raw. */
  lines(): string[];
  /** The JSON log lines' `message` fields. */
  messages(): string[];
  clear(): void;
  restore(): void;
}

export function captureLogs(): CapturedLogs {
  let captured: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function');
      if (typeof callback === 'function') callback();
      return true;
    }) as typeof stream.write;
  }
  const lines = () =>
    captured
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
  return {
    lines,
    messages: () =>
      lines().flatMap((line) => {
        try {
          const parsed: unknown = JSON.parse(line);
          return typeof parsed === 'object' && parsed !== null && 'message' in parsed
            ? [String(parsed.message)]
            : [];
        } catch {
          return [];
        }
      }),
    clear() {
      captured = [];
    },
    restore() {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write;
      });
    },
  };
}

/** The things no log line may contain (unless content logging is switched on). */
export interface Sensitive {
  secrets: string[];
  phoneNumbers: string[];
  texts: string[];
}

/** Every log line that leaks one of the sensitive values, with what it leaked. */
export function leaks(lines: string[], sensitive: Sensitive): string[] {
  const needles = [
    ...sensitive.secrets.map((value) => ['secret', value] as const),
    ...sensitive.phoneNumbers.map((value) => ['phone number', value] as const),
    ...sensitive.texts.map((value) => ['message text', value] as const),
  ].filter(([, value]) => value.length >= 6);
  return lines.flatMap((line) =>
    needles
      .filter(([, value]) => line.includes(value))
      .map(([kind, value]) => `${kind} "${value}" in: ${line}`),
  );
}
