import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/specs';

/**
 * What the acceptance script and CI run: `cdktf synth` through cdktf's own CLI, offline, with no
 * terraform (or tofu) binary anywhere on PATH — synth must not need one. Runs the compiled app in dist/
 * (`npm test` compiles first).
 */
describe('npx cdktf synth', () => {
  it('writes cdktf.out/stacks/<env>/cdk.tf.json for every environment without a terraform binary', () => {
    const work = mkdtempSync(join(tmpdir(), 'lakec-cdktf-cli-'));
    try {
      const bin = join(work, 'bin');
      execFileSync('mkdir', ['-p', bin]);
      symlinkSync(process.execPath, join(bin, 'node'));
      const PATH = [bin, '/bin'].join(':');
      for (const tool of ['terraform', 'tofu']) expect(spawnSync('sh', ['-c', `command -v ${tool}`], { env: { PATH } }).status).not.toBe(0);
      const out = join(work, 'cdktf.out');
      const cli = join(REPO_ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
      const r = spawnSync(process.execPath, [cli, 'synth', '--output', out], {
        cwd: REPO_ROOT,
        env: { PATH, HOME: work, CHECKPOINT_DISABLE: '1', CI: '1' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr + r.stdout }).toEqual({ status: 0, stderr: '' });
      expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['dev', 'prod']);
      for (const env of ['dev', 'prod']) expect(existsSync(join(out, 'stacks', env, 'cdk.tf.json'))).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
