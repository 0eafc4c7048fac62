import { join } from 'node:path';
import { buildConfig } from '../../cli/build-config';
import { generateAll } from '../../generators/generate-all';
import { expectMatchesGoldenDir } from '../support/golden';
import { EXAMPLE_SPECS, loadModel, REPO_ROOT } from '../support/specs';

const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'build');

/**
 * The whole `lakec build` output for each case, compared with a committed directory. The `example` case
 * builds the bundled dataset-specs/; `hostile` is a contract in another domain with every column type,
 * SQL keywords as names and descriptions that try to break out of every quoting context.
 */
describe.each([
  ['example', EXAMPLE_SPECS],
  ['hostile', join(GOLDEN, 'hostile', 'input')],
])('lakec build golden: %s', (name, specs) => {
  test('output matches the committed golden directory', () => {
    expectMatchesGoldenDir(generateAll(loadModel(specs), buildConfig()), join(GOLDEN, name, 'expected'));
  });

  test('two builds are byte-identical', () => {
    const a = generateAll(loadModel(specs), buildConfig());
    const b = generateAll(loadModel(specs), buildConfig());
    expect([...a.entries()]).toEqual([...b.entries()]);
  });
});
