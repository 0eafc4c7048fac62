import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTRACT_SCHEMA } from '../../generators/contract/contract-schema';
import { SCHEMA_VALIDATOR_MODULE, schemaValidatorSource } from '../../generators/contract/schema-validator-source';
import { UPDATE_GOLDEN } from '../support/golden';
import { LspClient } from '../support/lsp-client';
import { EXAMPLE_SPECS, REPO_ROOT } from '../support/specs';

const SCHEMA_FILE = join(EXAMPLE_SPECS, '_schema', 'contract.schema.json');
const SCHEMA_TEXT = `${JSON.stringify(CONTRACT_SCHEMA, null, 2)}\n`;

test('the committed JSON Schema is the one lakec check uses (UPDATE_GOLDEN=1 rewrites it)', () => {
  if (UPDATE_GOLDEN) writeFileSync(SCHEMA_FILE, SCHEMA_TEXT);
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(SCHEMA_TEXT);
  expect(CONTRACT_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
});

test('the committed compiled validator is the schema\'s (UPDATE_GOLDEN=1 rewrites it)', () => {
  const file = join(REPO_ROOT, 'generators', 'contract', SCHEMA_VALIDATOR_MODULE);
  const source = schemaValidatorSource();
  if (UPDATE_GOLDEN) writeFileSync(file, source);
  expect(readFileSync(file, 'utf8')).toBe(source);
});

test('every example contract points editors at the schema', () => {
  for (const f of ['mortgages/transactions.yaml', 'finance/account_balances.yaml', 'finance/monthly_reports.yaml', 'finance/transaction_summaries.yaml']) {
    expect(readFileSync(join(EXAMPLE_SPECS, f), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../_schema/contract.schema.json');
  }
});

/**
 * What VS Code runs: yaml-language-server, started for real, opens contracts that reference the schema
 * through the modeline, and must complete field names and flag schema errors.
 */
describe('yaml-language-server with the contract schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakec-yls-'));
  const schemaUri = pathToFileURL(join(REPO_ROOT, 'dataset-specs', '_schema', 'contract.schema.json')).href;
  let lsp: LspClient;

  beforeAll(async () => {
    lsp = new LspClient(process.execPath, [join(REPO_ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio']);
    lsp.configuration = [{ validate: true, completion: true, hover: true, schemaStore: { enable: false } }];
    await lsp.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { textDocument: { completion: { completionItem: { snippetSupport: false } } } } });
    lsp.notify('initialized', {});
    lsp.notify('workspace/didChangeConfiguration', { settings: { yaml: { validate: true, completion: true, schemaStore: { enable: false } } } });
  });
  afterAll(async () => {
    await lsp.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (name: string, text: string) => {
    const uri = pathToFileURL(join(dir, name)).href;
    writeFileSync(join(dir, name), text);
    const diagnostics = lsp.nextDiagnostics(uri);
    lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return { uri, diagnostics };
  };

  test('flags an invalid value and an unknown field', async () => {
    const text = [
      `# yaml-language-server: $schema=${schemaUri}`,
      'kind: dataset',
      'domain: sales',
      'name: orders',
      'schema_v: v1',
      'owners: { owner: a, steward: b, reviewers: ["@acme/x"] }',
      'classification: secret',
      'colums: []',
      'columns:',
      '  - name: id',
      '    type: string',
      '',
    ].join('\n');
    const { diagnostics } = open('bad.yaml', text);
    const ds = (await diagnostics) as { message: string; range: { start: { line: number } } }[];
    const lines = ds.map((d) => d.range.start.line).sort();
    expect(lines).toEqual(expect.arrayContaining([6, 7]));
    expect(ds.some((d) => /public|internal|confidential|restricted/.test(d.message))).toBe(true);
  });

  test('a valid contract has no diagnostics', async () => {
    const text = readFileSync(join(EXAMPLE_SPECS, 'mortgages', 'transactions.yaml'), 'utf8').replace('$schema=../_schema/contract.schema.json', `$schema=${schemaUri}`);
    const { diagnostics } = open('good.yaml', text);
    expect(await diagnostics).toEqual([]);
  });

  test('completes the fields of a column', async () => {
    const text = [`# yaml-language-server: $schema=${schemaUri}`, 'kind: dataset', 'columns:', '  - name: id', '    ', ''].join('\n');
    const { uri, diagnostics } = open('complete.yaml', text);
    await diagnostics;
    const result = await lsp.request<{ items: { label: string }[] } | { label: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 4 } });
    const labels = (Array.isArray(result) ? result : result.items).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['type', 'required', 'unique', 'pattern', 'allowed', 'description']));
  });
});
