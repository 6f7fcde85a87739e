/**
 * One progress line on stderr: rewritten in place on a terminal, printed at most every few seconds
 * otherwise (CI logs), so the table on stdout stays clean.
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const started = performance.now();
  let lastPrinted = 0;
  const elapsed = () => `${((performance.now() - started) / 1_000).toFixed(0).padStart(3)} s`;
  return {
    update(text: string, force = false) {
      const line = `[${elapsed()}] ${text}`;
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line.slice(0, (stream.columns ?? 120) - 1)}`);
      } else if (force || performance.now() - lastPrinted > 5_000) {
        lastPrinted = performance.now();
        stream.write(`${line}\n`);
      }
    },
    done(text: string) {
      stream.write(stream.isTTY ? `\r\x1b[K[${elapsed()}] ${text}\n` : `[${elapsed()}] ${text}\n`);
    },
  };
}
