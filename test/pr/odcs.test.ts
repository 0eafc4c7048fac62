import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import YAML from 'yaml';
import { checkContracts } from '../../generators/contract/compile-contracts';
import { formatDiagnostic } from '../../generators/contract/diagnostic';
import type { LakeModel } from '../../generators/contract/lake-model';
import { exportOdcs, ODCS_API_VERSION } from '../../generators/odcs/export-odcs';
import { importOdcs } from '../../generators/odcs/import-odcs';
import { expectMatchesGoldenFile } from '../support/golden';
import { loadModel, REPO_ROOT } from '../support/specs';
import { lakec } from './git-fixture';
import { ODCS_V3_SUBSET_SCHEMA } from './odcs-schema-subset';

const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'odcs');
const HOSTILE_SPECS = join(REPO_ROOT, 'test', 'golden', 'build', 'hostile', 'input');

function roundTrip(model: LakeModel): LakeModel {
  const imported = model.contracts.flatMap((c) => {
    const r = importOdcs(`${c.id.name}.odcs.yaml`, Buffer.from(exportOdcs(c)));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    return r.contracts;
  });
  const result = checkContracts(imported.map((c) => ({ path: c.relPath, relPath: c.relPath, bytes: Buffer.from(c.text) })));
  expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return result.model!;
}

describe.each([
  ['example', () => loadModel()],
  ['hostile (every type, quotes, big numbers, restricted, source names, a v2 file)', () => loadModel(HOSTILE_SPECS)],
])('lakec → ODCS → lakec: %s', (_name, load) => {
  test('gives an equal model', () => {
    const model = load();
    expect(roundTrip(model)).toEqual(model);
  });

  test('every exported document is valid ODCS v3 (our schema of the standard, strict where lakec writes)', () => {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    const validate = ajv.compile(ODCS_V3_SUBSET_SCHEMA);
    for (const c of load().contracts) {
      const doc = YAML.parse(exportOdcs(c), { intAsBigInt: false }) as unknown;
      const ok = validate(doc);
      expect({ contract: c.file, errors: ok ? [] : validate.errors }).toEqual({ contract: c.file, errors: [] });
      expect((doc as { apiVersion: string }).apiVersion).toBe(ODCS_API_VERSION);
    }
  });
});

test('the schema subset can fail: an unknown key, a wrong logical type and a string option on a number are refused', () => {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  const validate = ajv.compile(ODCS_V3_SUBSET_SCHEMA);
  const doc = YAML.parse(exportOdcs(loadModel().contracts[3]!)) as { schema: { properties: Record<string, unknown>[] }[]; extra?: boolean };
  expect(validate(doc)).toBe(true);
  doc.extra = true;
  doc.schema[0]!.properties[0]!.logicalType = 'text';
  doc.schema[0]!.properties[2]!.logicalTypeOptions = { pattern: 'x' };
  expect(validate(doc)).toBe(false);
  expect(validate.errors!.map((e) => e.instancePath).sort()).toEqual(expect.arrayContaining(['', '/schema/0/properties/0/logicalType', '/schema/0/properties/2/logicalTypeOptions']));
});

test('the export keeps exact numbers and the contract in the standard fields', () => {
  const hostile = loadModel(HOSTILE_SPECS).contracts.find((c) => c.id.name === 'card_settlements')!;
  const text = exportOdcs(hostile);
  expect(text).toContain('maximum: 9223372036854775807');
  expect(text).toContain('physicalType: decimal(38,10)');
  expect(text).toContain('transformLogic: day(settled_at)');
  const doc = YAML.parse(text) as { id: string; version: string; team: unknown[] };
  expect(doc.id).toBe('payments.card_settlements@v2');
  expect(doc.version).toBe('2.0.0');
  expect(doc.team).toEqual([
    { username: 'payments-platform', role: 'owner' },
    { username: 'payments-analysts', role: 'steward' },
    { username: '@acme/payments-analysts', role: 'reviewer' },
    { username: '@settlement-lead', role: 'reviewer' },
  ]);
});

const FOREIGN = `apiVersion: v3.0.2
kind: DataContract
id: 53581432-6c55-4ba2-a65f-72344a91553a
version: 2.1.0
status: active
domain: Retail Banking
name: customer accounts
tags: [internal, crm]
description:
  purpose: Customer accounts from the CRM.
team:
  - { username: crm-team, role: Data Owner }
  - { username: crm-stewards, role: Data Steward }
  - { username: "@acme/crm", role: reviewer }
  - { username: former, role: Data Steward, dateOut: "2025-01-01" }
schema:
  - name: Accounts
    physicalType: table
    properties:
      - { name: AccountId, logicalType: string, required: true, unique: true, logicalTypeOptions: { pattern: "^A[0-9]{8}$", maxLength: 9 } }
      - { name: balance, logicalType: number, physicalType: "NUMERIC(20, 4)", logicalTypeOptions: { minimum: -1000000.5000 } }
      - { name: opened, logicalType: date, logicalTypeOptions: { format: "yyyy-MM-dd" }, required: true }
      - { name: updated_at, logicalType: date, physicalType: timestamp, required: true }
      - name: segment
        logicalType: string
        quality: [{ type: library, rule: validValues, validValues: [retail, private] }]
      - { name: visits, logicalType: integer, logicalTypeOptions: { format: i32, minimum: 0 } }
      - { name: opened_year, logicalType: integer, partitioned: true, partitionKeyPosition: 1, transformLogic: "year(opened)" }
`;

test('a foreign ODCS document (not from lakec) becomes a contract that passes lakec check', () => {
  const r = importOdcs('accounts.odcs.yaml', Buffer.from(FOREIGN));
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([
    'accounts.odcs.yaml:6:9: warning: domain "Retail Banking" imported as `retail_banking`',
    'accounts.odcs.yaml:17:11: warning: name "Accounts" imported as `accounts`',
    'accounts.odcs.yaml:20:17: warning: property name "AccountId" imported as `account_id`',
  ]);
  expect(r.contracts.map((c) => [c.relPath, c.key])).toEqual([['retail_banking/accounts.v2.yaml', 'retail_banking.accounts@v2']]);
  expectMatchesGoldenFile(r.contracts[0]!.text, join(GOLDEN, 'foreign-accounts.yaml'));
  const checked = checkContracts([{ path: 'a.yaml', relPath: 'retail_banking/accounts.v2.yaml', bytes: Buffer.from(r.contracts[0]!.text) }]);
  expect(checked.diagnostics.map(formatDiagnostic)).toEqual([]);
  const d = checked.model!.contracts[0]!;
  expect(d.kind === 'dataset' && d.columns.map((c) => `${c.name}:${c.type.kind}${c.required ? '!' : ''}`)).toEqual(['account_id:string!', 'balance:decimal', 'opened:date!', 'updated_at:timestamp!', 'segment:string', 'visits:int']);
  expect(d.kind === 'dataset' && d.partitions).toEqual([{ name: 'opened_year', from: 'opened', transform: 'year' }]);
  expect(d.owners).toEqual({ owner: 'crm-team', steward: 'crm-stewards', reviewers: ['@acme/crm'] });
  expect(d.classification).toBe('internal');
});

test('what lakec cannot express is an error at its line, and nothing is imported', () => {
  const bad = FOREIGN.replace('{ name: visits, logicalType: integer, logicalTypeOptions: { format: i32, minimum: 0 } }', '{ name: visits, logicalType: array }')
    .replace('logicalTypeOptions: { minimum: -1000000.5000 }', 'logicalTypeOptions: { minimum: 0, exclusiveMinimum: true }')
    .replace('  - { username: "@acme/crm", role: reviewer }\n', '');
  const r = importOdcs('bad.odcs.yaml', Buffer.from(bad));
  expect(r.contracts).toEqual([]);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
    'bad.odcs.yaml:12:3: error: no reviewer: lakec writes CODEOWNERS from them\n  hint: add members with role `reviewer` and a GitHub @user or @org/team as username',
    'bad.odcs.yaml:20:131: error: `exclusiveMinimum` has no lakec equivalent\n  hint: lakec bounds are inclusive: use minimum/maximum',
    'bad.odcs.yaml:26:38: error: logicalType array is not supported: lakec datasets are flat CSV columns',
  ]);
  expect(importOdcs('v2.yaml', Buffer.from('apiVersion: v2.2.2\nkind: DataContract\n')).diagnostics.map(formatDiagnostic)).toEqual([
    'v2.yaml:1:13: error: `apiVersion` "v2.2.2" is not ODCS v3\n  hint: lakec reads ODCS v3.0.x and v3.1.x',
    'v2.yaml:1:1: error: the document has no `schema` objects\n  hint: lakec makes one contract of each schema object (a table)',
  ]);
  expect(importOdcs('bin.yaml', Buffer.from([0, 1, 2])).diagnostics[0]!.message).toMatch(/looks binary/);
  const traversal = exportOdcs(loadModel().contracts[3]!).replace('  - property: lakecKind', '  - property: lakecFile\n    value: ../../etc/x.yaml\n  - property: lakecKind');
  expect(importOdcs('t.yaml', Buffer.from(traversal)).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(['lakecFile "../../etc/x.yaml" is not a safe relative path to a .yaml file']);
});

describe('lakec export odcs / lakec import odcs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakec-odcs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('export every contract, import them into an empty specs folder: lakec check passes and a re-export is identical', () => {
    const out = join(dir, 'odcs');
    let r = lakec(['export', 'odcs', '--out', out], REPO_ROOT);
    expect(r.stdout).toBe(`exported 4 ODCS documents to ${out}/\n`);
    const files = ['finance.account_balances.v1.odcs.yaml', 'finance.monthly_reports.v1.odcs.yaml', 'finance.transaction_summaries.v1.odcs.yaml', 'mortgages.transactions.v1.odcs.yaml'];
    for (const f of files) expect(existsSync(join(out, f))).toBe(true);
    const specs = join(dir, 'specs');
    r = lakec(['import', 'odcs', ...files.map((f) => join(out, f)), '--out', specs], REPO_ROOT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(specs, 'mortgages', 'transactions.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/_schema\/contract\.schema\.json\n/);
    expect(lakec(['check', '--specs', specs], REPO_ROOT).status).toBe(0);
    const again = lakec(['export', 'odcs', '--specs', specs, '--out', '-'], REPO_ROOT).stdout;
    expect(again).toBe(lakec(['export', 'odcs', '--out', '-'], REPO_ROOT).stdout);
    // A second import refuses to overwrite…
    r = lakec(['import', 'odcs', join(out, files[3]!), '--out', specs], REPO_ROOT);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already exists; use --force to replace/);
    expect(lakec(['import', 'odcs', join(out, files[3]!), '--out', specs, '--force'], REPO_ROOT).status).toBe(0);
  });

  test('one dataset by name; bad input is a clear message', () => {
    const r = lakec(['export', 'odcs', 'mortgages.transactions', '--out', '-'], REPO_ROOT);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^apiVersion: v3\.0\.2\nkind: DataContract\nid: mortgages\.transactions@v1\n/);
    expect(lakec(['export', 'odcs', 'nope.none'], REPO_ROOT).stderr).toMatch(/no contract `nope.none`/);
    expect(lakec(['export', 'csv'], REPO_ROOT).status).toBe(2);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: v3.0.2\nkind: DataContract\nschema: [{ name: x, properties: [{ name: a, logicalType: object }] }]\n');
    const imp = lakec(['import', 'odcs', bad, '--out', join(dir, 'specs')], REPO_ROOT);
    expect(imp.status).toBe(1);
    expect(imp.stderr).toMatch(/bad\.yaml:\d+:\d+: error: no domain/);
    expect(imp.stderr).toMatch(/nothing written/);
    expect(existsSync(join(dir, 'specs'))).toBe(false);
    expect(imp.stderr).not.toMatch(/^\s+at /m);
  });

  test('an import whose Gold contract reads a dataset that does not exist is not written', () => {
    const gold = exportOdcs(loadModel().contracts[0]!);
    const file = join(dir, 'gold.yaml');
    writeFileSync(file, gold);
    const r = lakec(['import', 'odcs', file, '--out', join(dir, 'specs')], REPO_ROOT);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/finance\/account_balances\.yaml:\d+:\d+: error: .*mortgages\.transactions@v1/);
    expect(existsSync(join(dir, 'specs', 'finance'))).toBe(false);
  });
});
