import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Token } from 'cdktf';
import { tfJson, tfLiteral, tfLiteralMap } from '../../stacks/terraform-string';
import { templateSequences, tfUnescape } from '../../stacks/policy/terraform-json';

const HOSTILE = [
  '${file("/etc/passwd")}',
  'plain text',
  '%{ for x in ["a"] }${x}%{ endfor }',
  'a $${already} and $ { spaced } and %{if true}yes%{endif}',
  'trailing $',
  'trailing %',
  '${${nested}}',
  '$$${triple}',
  'unicode ✓ ${"é"}',
];

describe('tfLiteral: the one escape for contract text in Terraform strings', () => {
  it('doubles every interpolation and directive introducer', () => {
    expect(tfLiteral('${x}')).toBe('$${x}');
    expect(tfLiteral('%{ if a }')).toBe('%%{ if a }');
    expect(tfLiteral('a $x %y {z}')).toBe('a $x %y {z}');
    expect(tfLiteral('$${x}')).toBe('$$${x}');
  });

  it('leaves nothing Terraform would evaluate', () => {
    for (const text of HOSTILE) expect(templateSequences(tfLiteral(text))).toEqual([]);
  });

  it('round-trips through the reading the policy checks use', () => {
    for (const text of HOSTILE) expect(tfUnescape(tfLiteral(text))).toBe(text);
  });

  it('escapes keys and values of maps and documents, but not cdktf tokens', () => {
    expect(tfLiteralMap({ '${k}': '%{v}' })).toEqual({ '$${k}': '%%{v}' });
    const token = Token.asString({ fake: 'resource attribute' });
    const doc = JSON.parse(tfJson({ a: '${x}', b: [token, '%{y}'] })) as { a: string; b: string[] };
    expect(doc).toEqual({ a: '$${x}', b: [token, '%%{y}'] });
  });
});

function terraformAvailable(): boolean {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' } });
    return true;
  } catch {
    return false;
  }
}

// The real reader: Terraform itself evaluates a .tf.json holding the escaped strings (no provider needed).
(terraformAvailable() ? describe : describe.skip)('Terraform reads escaped contract text back verbatim', () => {
  it('outputs exactly the hostile strings, evaluating none of them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakec-tfstring-'));
    try {
      const outputs = Object.fromEntries(HOSTILE.map((text, i) => [`s${i}`, { value: tfLiteral(text) }]));
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ output: outputs, locals: { x: 'EVALUATED', nested: 'EVALUATED' } }));
      const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: '/dev/null' };
      execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
      execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
      const got = JSON.parse(execFileSync('terraform', ['output', '-json'], { cwd: dir, env }).toString()) as Record<string, { value: string }>;
      HOSTILE.forEach((text, i) => expect(got[`s${i}`]!.value).toBe(text));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
