import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Measurement {
  readonly wallSeconds: number;
  /** Peak resident set size of the measured process, in MiB. */
  readonly peakRssMiB: number;
  /** Whatever the case reported on its last stdout line (JSON), e.g. row counts. */
  readonly report: Record<string, unknown>;
}

/**
 * Runs one benchmark case in a fresh Node process (`bench/cases/<name>.js` in dist) and measures its wall
 * time and peak RSS (the child's own maxRSS at exit), so cases never share heap or caches.
 */
export function measureCase(name: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  const script = join(__dirname, 'cases', `${name}.js`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--max-old-space-size=8192', join(__dirname, 'child.js'), script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`benchmark case ${name} exited with ${code}`));
      const lines = out.trim().split('\n');
      const last = JSON.parse(lines[lines.length - 1] ?? '{}') as { maxRssKiB: number; report: Record<string, unknown> };
      resolve({ wallSeconds, peakRssMiB: last.maxRssKiB / 1024, report: last.report });
    });
  });
}

export function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}
