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
