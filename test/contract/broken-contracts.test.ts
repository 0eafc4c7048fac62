import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readContractFiles } from '../../cli/read-specs';
import { checkContracts } from '../../generators/contract/compile-contracts';
import { formatDiagnostic } from '../../generators/contract/diagnostic';
import { expectMatchesGoldenFile } from '../support/golden';
import { REPO_ROOT } from '../support/specs';

const CASES = join(REPO_ROOT, 'test', 'golden', 'check');

/**
 * A folder of broken contracts with the exact diagnostics expected: `test/golden/check/<case>/input/`
 * is a specs directory, `expected.txt` what `lakec check` prints for it (paths relative to the case).
 */
describe.each(readdirSync(CASES).sort())('broken contract %s', (name) => {
  test('gives exactly the expected diagnostics', () => {
    const files = readContractFiles(join(CASES, name, 'input')).map((f) => ({ ...f, path: `input/${f.relPath}` }));
    const result = checkContracts(files);
    expect(result.model).toBeUndefined();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const d of result.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
    }
    expectMatchesGoldenFile(result.diagnostics.map(formatDiagnostic).join('\n') + '\n', join(CASES, name, 'expected.txt'));
  });
});
