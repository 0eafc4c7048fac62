import { join } from 'node:path';
import { expectMatchesGoldenFile } from '../support/golden';
import { REPO_ROOT } from '../support/specs';
import { crawl, launchBrowser, serveFolder } from './browser';
import { GitFixture } from './git-fixture';

const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'diff');
const DROPPED = `  - name: transaction_type
    type: string
    description: Kind of transaction; empty for legacy exports.
    allowed: [DEPOSIT, WITHDRAWAL, INTEREST, FEE, REPAYMENT]
`;

/** Commit ids differ from machine to machine only through the example contracts; goldens hide them. */
function stable(text: string, repo: GitFixture): string {
  const full = repo.git('rev-parse', 'main');
  return text.split(full.slice(0, 12)).join('BASECOMMIT');
}

/**
 * "Done when" of issue 6, tried as a new steward would, in a real git repository through the real CLI: a pull
 * request that drops a column in place is stopped with a comment naming the column and the approvers; the
 * same change as a new schema_v passes; the catalog shows both versions.
 */
describe('a steward drops a column', () => {
  let repo: GitFixture;
  beforeAll(() => {
    repo = new GitFixture();
    repo.git('checkout', '-q', '-b', 'steward/drop-transaction-type');
  });
  afterAll(() => repo.dispose());

  test('an unchanged tree: lakec diff --base HEAD exits 0 (the acceptance check)', () => {
    const r = repo.lakec('diff', '--base', 'HEAD');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/OK: no contract changes/);
  });

  test('in place: stopped, with a comment naming the column and who must approve', () => {
    repo.edit('dataset-specs/mortgages/transactions.yaml', DROPPED, '');
    const r = repo.lakec('diff', '--base', 'main', '--format', 'markdown');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^<!-- lakec-diff -->\n## ❌ lakec diff:/);
    expect(r.stdout).toContain('| ❌ BLOCKS | `mortgages.transactions@v1` (in place) | column `transaction_type` removed | breaking |');
    expect(r.stdout).toContain('- **Silver** `mortgages.transactions@v1`: steward `mortgages-analysts`, platform (owner) `data-platform`; reviewers `@acme/mortgages-analysts`');
    expect(r.stdout).toContain('- **Gold** `finance.monthly_reports@v1`: owner `finance`, steward `finance-controller`');
    expect(r.stdout).toContain('copy it to `mortgages/transactions.v2.yaml`, set `schema_v: v2` there');
    // monthly_reports counts by transaction_type: the pull request also breaks it, and the comment says where.
    expect(r.stdout).toMatch(/dataset-specs\/finance\/monthly_reports\.yaml:\d+:\d+: error: .*transaction_type/);
    expectMatchesGoldenFile(stable(r.stdout, repo), join(GOLDEN, 'drop-column-in-place.md'));
    const text = repo.lakec('diff', '--base', 'main');
    expect(text.status).toBe(1);
    expectMatchesGoldenFile(stable(text.stdout, repo), join(GOLDEN, 'drop-column-in-place.txt'));
  });

  test('as a new schema_v beside the old one: passes, and the comment still shows what v2 drops', () => {
    repo.git('checkout', '-q', '--', 'dataset-specs');
    const v1 = repo.read('dataset-specs/mortgages/transactions.yaml');
    repo.write('dataset-specs/mortgages/transactions.v2.yaml', v1.replace('schema_v: v1', 'schema_v: v2').replace(DROPPED, ''));
    const r = repo.lakec('diff', '--base', 'main', '--format', 'markdown');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('## ✅ lakec diff: no breaking change to an existing schema\\_v (2 changes: 1 breaking, 1 compatible; the breaking ones come as a new schema\\_v or remove a deprecated one)');
    expect(r.stdout).toContain('| ✅ ok | `mortgages.transactions@v2` (added) | new schema\\_v `v2` beside `v1` | compatible |');
    expect(r.stdout).toContain('| ⚠️ allowed | `mortgages.transactions@v2` (new version, compared with v1) | column `transaction_type` removed | breaking |');
    const json = JSON.parse(repo.lakec('diff', '--base', 'main', '--format', 'json').stdout) as { status: string; summary: Record<string, number>; changes: { blocking: boolean }[] };
    expect(json.status).toBe('ok');
    expect(json.summary).toEqual({ blocking: 0, breaking: 1, compatible: 1, informational: 0 });
    expectMatchesGoldenFile(stable(r.stdout, repo), join(GOLDEN, 'new-schema-version.md'));
    repo.commit('transactions v2 without transaction_type');
  });

  test('the catalog shows both versions side by side, v1 current until it is deprecated', async () => {
    expect(repo.lakec('docs', '--out', 'build/docs').status).toBe(0);
    const browser = await launchBrowser();
    const site = await serveFolder(repo.path('build/docs'));
    try {
      const result = await crawl(browser, site.url, 'index.html');
      expect(result.broken).toEqual([]);
      const page = result.pages.get('mortgages/transactions.html')!;
      expect(page.ids).toEqual(expect.arrayContaining(['v1', 'v2', 'versions']));
      const tab = await browser.context.newPage();
      await tab.goto(`${site.url}mortgages/transactions.html`);
      const table = (await tab.evaluate(`[...document.querySelectorAll('#versions + table tr')].map((r) => [...r.querySelectorAll('th,td')].map((c) => c.innerText.trim()))`)) as string[][];
      expect(table[0]).toEqual(['Column', 'v1', 'v2']);
      expect(table.find((row) => row[0] === 'transaction_type')).toEqual(['transaction_type', 'string', '—']);
      expect(table.find((row) => row[0] === 'amount')).toEqual(['amount', 'decimal(18,2) · required', 'decimal(18,2) · required']);
      await tab.close();
    } finally {
      site.server.close();
      await browser.close();
    }
  });

  test('removing v1 without deprecating it first is stopped; after deprecation is merged it passes', () => {
    repo.remove('dataset-specs/mortgages/transactions.yaml');
    for (const gold of ['account_balances', 'monthly_reports', 'transaction_summaries']) repo.remove(`dataset-specs/finance/${gold}.yaml`);
    let r = repo.lakec('diff', '--base', 'HEAD');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/BLOCKS {2}breaking {6}mortgages\.transactions@v1 \(removed\): schema_v `v1` removed \(`v2` remain\)/);
    expect(r.stdout).toMatch(/first merge `deprecated: \{ since: YYYY-MM-DD, replaced_by: vN \}` on it/);

    repo.git('checkout', '-q', '--', 'dataset-specs');
    repo.edit('dataset-specs/mortgages/transactions.yaml', 'quality:', 'deprecated: { since: 2026-02-01, replaced_by: v2 }\nquality:');
    for (const gold of ['account_balances', 'monthly_reports', 'transaction_summaries']) repo.remove(`dataset-specs/finance/${gold}.yaml`);
    r = repo.lakec('diff', '--base', 'HEAD');
    expect(r.status).toBe(1); // removing the Gold contracts is itself a removal without deprecation
    repo.git('checkout', '-q', '--', 'dataset-specs');
    repo.edit('dataset-specs/mortgages/transactions.yaml', 'quality:', 'deprecated: { since: 2026-02-01, replaced_by: v2 }\nquality:');
    r = repo.lakec('diff', '--base', 'HEAD');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('deprecated since `2026-02-01`, replaced by `v2`');
    repo.commit('deprecate transactions v1');

    // The Gold contracts still read v1: they must move to v2 (their own new versions) before v1 can go.
    repo.remove('dataset-specs/mortgages/transactions.yaml');
    r = repo.lakec('diff', '--base', 'HEAD');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/contracts have 3 errors/);
  });
});

describe('lakec diff at the edges', () => {
  test('a base without the specs directory: every contract is new', () => {
    const repo = new GitFixture(false);
    try {
      repo.write('README.md', 'empty\n');
      repo.commit('before contracts');
      repo.git('checkout', '-q', '-b', 'add-contracts');
      repo.write('dataset-specs/.keep', '');
      const specs = new GitFixture();
      repo.write('dataset-specs/mortgages/transactions.yaml', specs.read('dataset-specs/mortgages/transactions.yaml'));
      specs.dispose();
      const r = repo.lakec('diff', '--base', 'main');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('new dataset (6 columns)');
      expect(r.stdout).toContain('`main` has no `dataset-specs/` directory: every contract here is new.');
    } finally {
      repo.dispose();
    }
  });

  test('a base contract with errors is reported and skipped, the rest is still compared', () => {
    const repo = new GitFixture();
    try {
      repo.edit('dataset-specs/finance/monthly_reports.yaml', 'dimensions: [currency]', 'dimensions: [currency, no_such_column]');
      repo.commit('a broken contract on main (e.g. from an older lakec)');
      repo.git('checkout', '-q', '-b', 'fix');
      repo.edit('dataset-specs/finance/monthly_reports.yaml', 'dimensions: [currency, no_such_column]', 'dimensions: [currency]');
      repo.edit('dataset-specs/mortgages/transactions.yaml', 'allowed: [EUR, USD, GBP]', 'allowed: [EUR, USD]');
      const r = repo.lakec('diff', '--base', 'main');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('`main:dataset-specs/finance/monthly_reports.yaml` has errors at the base');
      expect(r.stdout).toContain('finance.monthly_reports@v1 (not compared)');
      expect(r.stdout).toContain('column `currency`: allowed value `GBP` removed');
    } finally {
      repo.dispose();
    }
  });

  test('bad input is a clear message, never a stack trace', () => {
    const repo = new GitFixture();
    try {
      const unknown = repo.lakec('diff', '--base', 'no-such-branch');
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/unknown git ref `no-such-branch`/);
      const missing = repo.lakec('diff');
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/`--base REF` is required/);
      const format = repo.lakec('diff', '--base', 'main', '--format', 'html');
      expect(format.status).toBe(2);
      const option = repo.lakec('diff', '--base', '--format');
      expect(option.status).toBe(2);
      const dash = repo.lakec('diff', '--base=-x');
      expect(dash.status).toBe(1);
      for (const r of [unknown, missing, format, option, dash]) expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      repo.dispose();
    }
  });

  test('outside a git repository: a clear message', () => {
    const repo = new GitFixture();
    try {
      repo.remove('.git');
      const r = repo.lakec('diff', '--base', 'main');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/is not inside a git repository/);
    } finally {
      repo.dispose();
    }
  });
});
