import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Parser } from 'node-sql-parser';
import { generateCatalog } from '../../generators/catalog/catalog';
import { lineageLayout } from '../../generators/catalog/lineage';
import { sampleQueries, shellWord } from '../../generators/catalog/sample-queries';
import type { LakeModel } from '../../generators/contract/lake-model';
import { duckdbType } from '../../generators/ddl/duckdb-ddl';
import { sqlIdentifier, sqlQualified } from '../../generators/sql/quote';
import { lakeTables } from '../../generators/tables/lake-tables';
import { writeFileMap } from '../../cli/write-file-map';
import { expectMatchesGoldenDir } from '../support/golden';
import { loadModel, REPO_ROOT } from '../support/specs';
import { crawl, launchBrowser, serveFolder, type Browser } from './browser';

const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'catalog');
const HOSTILE_SPECS = join(REPO_ROOT, 'test', 'golden', 'build', 'hostile', 'input');

describe.each([
  ['example', () => loadModel()],
  ['hostile', () => loadModel(HOSTILE_SPECS)],
])('catalog golden: %s', (name, model) => {
  test('the pages match the committed golden directory', () => {
    expectMatchesGoldenDir(generateCatalog(model()), join(GOLDEN, name));
  });
});

describe('the catalog in headless Chromium', () => {
  let browser: Browser;
  const dirs: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function render(model: LakeModel) {
    const dir = mkdtempSync(join(tmpdir(), 'lakec-docs-'));
    dirs.push(dir);
    writeFileMap(dir, generateCatalog(model));
    const site = await serveFolder(dir);
    try {
      return await crawl(browser, site.url, 'index.html');
    } finally {
      site.server.close();
    }
  }

  test('example: every page renders, every link and anchor resolves, nothing is fetched from elsewhere', async () => {
    const model = loadModel();
    const { pages, foreign, dialogs, broken } = await render(model);
    expect(broken).toEqual([]);
    expect(foreign).toEqual([]);
    expect(dialogs).toEqual([]);
    expect([...pages.keys()].sort()).toEqual(['finance/account_balances.html', 'finance/monthly_reports.html', 'finance/transaction_summaries.html', 'index.html', 'lineage.html', 'mortgages/transactions.html']);
    for (const p of pages.values()) {
      expect({ path: p.path, compatMode: p.compatMode, scripts: p.scripts, errors: p.consoleErrors }).toEqual({ path: p.path, compatMode: 'CSS1Compat', scripts: 0, errors: [] });
      expect(p.title).toMatch(/ · lakec data catalog$/);
      expect(p.links.length).toBeGreaterThan(2);
    }
    // Lineage: one box per bronze dataset, silver version, quarantine and gold version.
    expect(pages.get('lineage.html')!.svgNodes).toBe(1 + 1 + 1 + 3);
    const tx = pages.get('mortgages/transactions.html')!;
    for (const text of ['silver_mortgages.transactions_v1', 'quarantine_mortgages.transactions_v1_condemned', 'bronze_mortgages.transactions_v1', 'pattern ^ACC[0-9]{6}$', 'allowed: EUR, USD, GBP', 'year = year(transaction_timestamp)', 'data-platform', 'mortgages-analysts', '@acme/mortgages-analysts', "lakec query 'SELECT *"]) {
      expect(tx.text).toContain(text);
    }
    const gold = pages.get('finance/account_balances.html')!;
    expect(gold.text).toContain('sum(amount) running');
    expect(gold.links.some((l) => l.endsWith('/mortgages/transactions.html#v1'))).toBe(true);
  });

  test('hostile descriptions and values are shown as text: no element, script or request comes from them', async () => {
    const { pages, foreign, dialogs, broken } = await render(loadModel(HOSTILE_SPECS));
    expect(broken).toEqual([]);
    expect(foreign).toEqual([]);
    expect(dialogs).toEqual([]);
    const page = pages.get('payments/card_settlements.html')!;
    expect(page.scripts).toBe(0);
    expect(page.text).toContain('<script>alert(1)</script> & ✓ 💳');
    expect(page.text).toContain('allowed: A\'B, C"D, E\\F, G--H');
    expect(page.text).toContain('header User Name');
    expect(pages.get('payments/daily_totals.html')!.text).toContain("Monthly totals -- with a ${hostile} description and 'quotes'.");
  });
});

describe('sample queries', () => {
  const model = loadModel();
  const queries = model.contracts.flatMap((c) => sampleQueries(c).map((q) => ({ contract: c, ...q })));

  test('the Athena queries parse as Trino', () => {
    const parser = new Parser();
    for (const q of queries) expect(() => parser.astify(q.athena, { database: 'trino' })).not.toThrow();
    expect(queries.length).toBe(4 + 3 * 2);
  });

  test('the lakec query commands are one shell word each, and run on DuckDB over tables named as readers see them', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      for (const t of lakeTables(model)) {
        const cols = [...t.columns, ...t.partitionKeys].map((c) => `${sqlIdentifier(c.name)} ${duckdbType(c.type)}`);
        await db.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(t.database)}`);
        await db.run(`CREATE TABLE ${sqlQualified(t.database, t.readerName)} (${cols.join(', ')})`);
      }
      for (const q of queries) {
        const m = /^lakec query ('.*')$/s.exec(q.local);
        expect(m).not.toBeNull();
        const sql = spawnSync('sh', ['-c', `printf '%s' ${m![1]}`], { encoding: 'utf8' }).stdout;
        expect(`${sql};`).toBe(q.athena);
        await db.run(sql);
      }
    } finally {
      db.closeSync();
    }
  });

  test('shell quoting survives quotes', () => {
    const word = shellWord("it's a 'test' \\ $HOME `x`");
    expect(spawnSync('sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' }).stdout).toBe("it's a 'test' \\ $HOME `x`");
  });
});

describe('lineage layout', () => {
  test('boxes never overlap and edges join existing boxes', () => {
    const layout = lineageLayout(loadModel());
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b || a.x !== b.x) continue;
        expect(a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
      }
    }
    const ids = new Set(layout.nodes.map((n) => n.id));
    for (const e of layout.edges) expect([ids.has(e.from), ids.has(e.to)]).toEqual([true, true]);
    expect(layout.edges.filter((e) => e.kind === 'rejected').map((e) => e.to)).toEqual(['quarantine:mortgages.transactions@v1']);
  });
});

describe('lakec docs beside lakec build', () => {
  test('build/docs written by lakec docs does not make build/ a folder lakec build refuses, and the reverse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakec-out-'));
    try {
      const model = loadModel();
      writeFileMap(join(dir, 'build', 'docs'), generateCatalog(model));
      expect(() => writeFileMap(join(dir, 'build'), new Map([['ddl/x.sql', 'select 1;\n']]))).not.toThrow();
      expect(() => writeFileMap(join(dir, 'build', 'docs'), generateCatalog(model))).not.toThrow();
      // A folder holding something lakec did not write is still refused.
      writeFileMap(join(dir, 'other', 'docs'), generateCatalog(model));
      writeFileSync(join(dir, 'other', 'notes.txt'), 'mine');
      expect(() => writeFileMap(join(dir, 'other'), new Map([['a.txt', 'a']]))).toThrow(/not empty and was not written by lakec build/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
