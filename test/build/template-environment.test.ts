import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticContracts } from '../../bench/synthetic-contracts';
import { buildConfig } from '../../cli/build-config';
import type { LakeModel } from '../../generators/contract/lake-model';
import { generateDdl } from '../../generators/ddl/generate-ddl';
import { mergeFileMaps, type FileMap } from '../../generators/file-map';
import { generateAll, type BuildConfig } from '../../generators/generate-all';
import { generateEtlSql } from '../../generators/sql/etl/generate-etl-sql';
import { generateSql } from '../../generators/sql/generate-sql';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { generateValidators } from '../../generators/validator/generate-validators';
import { EXAMPLE_SPECS, loadModel, modelFromTexts, REPO_ROOT } from '../support/specs';

/**
 * generateAll generates a contract once for a stand-in environment and copies its files per environment
 * (generators/generate-all.ts). The oracle: the generators called for every environment, one by one.
 */
function perEnvironment(model: LakeModel, config: BuildConfig): FileMap {
  return mergeFileMaps(generateDdl(model, config), generateSql(model, config), generateEtlSql(model, config), generateValidators(model));
}

function expectSameFiles(actual: FileMap, expected: FileMap): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, text] of expected) {
    if (actual.get(path) !== text) expect({ path, text: actual.get(path) }).toEqual({ path, text });
  }
}

const threeEnvironments: BuildConfig = {
  environments: ['dev', 'staging', 'prod'].map((name) => ({ name, buckets: dataBucketNames('bank-lake', name) })),
};

describe('a contract generated once and copied per environment', () => {
  let synthetic: string;
  beforeAll(() => {
    synthetic = mkdtempSync(join(tmpdir(), 'lakec-template-env-'));
    writeSyntheticContracts(synthetic, 30, 7);
  });
  afterAll(() => rmSync(synthetic, { recursive: true, force: true }));

  test.each([
    ['the example', () => EXAMPLE_SPECS],
    ['the hostile contract', () => join(REPO_ROOT, 'test', 'golden', 'build', 'hostile', 'input')],
    ['30 generated contracts with Gold', () => synthetic],
  ])('%s: the same files as generating every environment', (_, specs) => {
    const model = loadModel(specs());
    for (const config of [buildConfig(), threeEnvironments, { environments: [] }]) expectSameFiles(generateAll(model, config), perEnvironment(model, config));
  });

  test('buckets that do not follow the naming rule are generated environment by environment', () => {
    const model = loadModel(EXAMPLE_SPECS);
    const config: BuildConfig = { environments: [{ name: 'dev', buckets: { bronze: 'bank-dev-bronze', silver: 'clean', gold: 'finance-gold', quarantine: 'held' } }] };
    const files = generateAll(model, config);
    expectSameFiles(files, perEnvironment(model, config));
    expect(files.get('ddl/dev/mortgages/transactions_v1.sql')).toContain("'s3://bank-dev-bronze/bronze/mortgages/transactions/'");
    expect(files.get('ddl/dev/mortgages/transactions_v1.sql')).toContain("'s3://clean/silver/mortgages/transactions/");
  });

  test('a stand-in name split by a character that Glue comments drop is kept too', () => {
    const text = readFileSync(join(EXAMPLE_SPECS, 'mortgages', 'transactions.yaml'), 'utf8').replace(/^description: .*$/m, 'description: "lakec-stand-\\ain-env"');
    const { model, diagnostics } = modelFromTexts({ 'mortgages/transactions.yaml': text });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const files = generateAll(model!, buildConfig());
    expectSameFiles(files, perEnvironment(model!, buildConfig()));
    expect(files.get('ddl/prod/mortgages/transactions_v1.sql')).toContain('lakec-stand-in-env');
  });

  test('a contract whose text holds a stand-in name keeps it, in every environment', () => {
    const text = readFileSync(join(EXAMPLE_SPECS, 'mortgages', 'transactions.yaml'), 'utf8').replace(
      /^description: .*$/m,
      'description: "Copied from LAKEC-STAND-IN-prefix-bronze and lakec-stand-in-env, names lakec uses inside the build."',
    );
    const { model } = modelFromTexts({ 'mortgages/transactions.yaml': text });
    expect(model).toBeDefined();
    const files = generateAll(model!, buildConfig());
    expectSameFiles(files, perEnvironment(model!, buildConfig()));
    for (const env of ['dev', 'prod']) {
      const ddl = files.get(`ddl/${env}/mortgages/transactions_v1.sql`)!;
      expect(ddl).toContain('LAKEC-STAND-IN-prefix-bronze and lakec-stand-in-env');
      expect(ddl).toContain(`acme-lake-${env}-silver`);
    }
  });
});
