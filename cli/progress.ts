/**
 * A progress bar on stderr for long files — only when stderr is a terminal, so CI logs and `--json`
 * pipelines never see it. Redraws at most ten times a second.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number | undefined): void; end(): void } {
  if (!stream.isTTY) return { update() {}, end() {} };
  let last = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 || now - started < 500) return;
      last = now;
      drawn = true;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 40));
      const mb = done / 1e6;
      const rate = mb / ((now - started) / 1000);
      if (total) {
        const share = Math.min(1, done / total);
        const filled = Math.round(share * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${mb.toFixed(0)}/${(total / 1e6).toFixed(0)} MB  ${rate.toFixed(1)} MB/s `);
      } else {
        stream.write(`\r${label} ${mb.toFixed(0)} MB  ${rate.toFixed(1)} MB/s `);
      }
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
