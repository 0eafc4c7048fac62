import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import YAML from 'yaml';
import { codeownersPattern, CODEOWNERS_PATH, generateCodeowners } from '../../generators/codeowners/codeowners';
import { DEFAULT_WORKFLOW_CONFIG, DEPLOY_WORKFLOW, generateWorkflows, PULL_REQUEST_WORKFLOW } from '../../generators/workflows/github-workflows';
import { ENVIRONMENTS } from '../../stacks/environments';
import { loadModel, modelFromTexts, REPO_ROOT } from '../support/specs';
import { GitFixture } from './git-fixture';

describe('CODEOWNERS', () => {
  test('the committed .github/CODEOWNERS is what the contracts say (else run `lakec codeowners`)', () => {
    const files = generateCodeowners(loadModel(), { specsPath: 'dataset-specs' });
    expect(readFileSync(join(REPO_ROOT, CODEOWNERS_PATH), 'utf8')).toBe(files.get(CODEOWNERS_PATH));
  });

  test('each contract file is owned by its reviewers; folders by all reviewers in them, before the files', () => {
    const text = generateCodeowners(loadModel(), { specsPath: 'dataset-specs' }).get(CODEOWNERS_PATH)!;
    const rules = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rules).toEqual([
      '/dataset-specs/finance/ @acme/finance-controllers',
      '/dataset-specs/mortgages/ @acme/mortgages-analysts',
      '/dataset-specs/finance/account_balances.yaml @acme/finance-controllers',
      '/dataset-specs/finance/monthly_reports.yaml @acme/finance-controllers',
      '/dataset-specs/finance/transaction_summaries.yaml @acme/finance-controllers',
      '/dataset-specs/mortgages/transactions.yaml @acme/mortgages-analysts',
    ]);
  });

  test('paths are escaped for CODEOWNERS (gitignore rules); several reviewers, users, teams and e-mails', () => {
    expect(codeownersPattern('dataset-specs/a b/#c[1]*?.yaml')).toBe('/dataset-specs/a\\ b/\\#c\\[1\\]\\*\\?.yaml');
    expect(codeownersPattern('!x.yaml')).toBe('/\\!x.yaml');
    expect(() => codeownersPattern('a\nb.yaml')).toThrow(/control character/);
    const r = modelFromTexts({
      'pay ments/x.yaml': `kind: dataset
domain: pay
name: x
schema_v: v1
owners: { owner: a, steward: b, reviewers: ["@acme/pay", "@alice", "bob@example.com"] }
classification: internal
columns: [{ name: id, type: string }]
`,
    });
    const text = generateCodeowners(r.model!, { specsPath: 'specs' }).get(CODEOWNERS_PATH)!;
    expect(text).toContain('\n/specs/pay\\ ments/x.yaml @acme/pay @alice bob@example.com\n');
  });

  test('`lakec codeowners --check` fails on a stale copy and names the fix; `lakec codeowners` writes it', () => {
    const repo = new GitFixture();
    try {
      let r = repo.lakec('codeowners', '--check');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/\.github\/CODEOWNERS is missing\nRun `lakec codeowners` and commit the result\./);
      expect(repo.lakec('codeowners').status).toBe(0);
      expect(repo.lakec('codeowners', '--check').status).toBe(0);
      repo.edit('dataset-specs/mortgages/transactions.yaml', 'reviewers: ["@acme/mortgages-analysts"]', 'reviewers: ["@acme/mortgages-analysts", "@acme/risk"]');
      r = repo.lakec('codeowners', '--check');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/\.github\/CODEOWNERS is out of date \(line \d+: committed "\/dataset-specs\/mortgages\/ @acme\/mortgages-analysts", generated "\/dataset-specs\/mortgages\/ @acme\/mortgages-analysts @acme\/risk"\)/);
      // From a subfolder the specs path is still relative to the repository root.
      expect(repo.lakec('codeowners', '--specs', 'dataset-specs').status).toBe(0);
      expect(repo.read('.github/CODEOWNERS')).toContain('/dataset-specs/mortgages/transactions.yaml @acme/mortgages-analysts @acme/risk');
    } finally {
      repo.dispose();
    }
  });
});

/** GitHub's own parser (ESM with JSON imports, so bundled once with esbuild into CommonJS). */
interface WorkflowParser {
  parseWorkflow(file: { name: string; content: string }, trace: unknown): { context: { errors: { getErrors(): { message: string }[] } }; value: unknown };
  convertWorkflowTemplate(context: unknown, root: unknown): Promise<{ jobs: { id: { value: string }; needs?: { value: string }[]; environment?: unknown }[]; errors?: unknown[] }>;
  NoOperationTraceWriter: new () => unknown;
}

let parser: WorkflowParser | undefined;
function workflowParser(): WorkflowParser {
  if (parser) return parser;
  const entry = join(REPO_ROOT, 'node_modules', '@actions', 'workflow-parser', 'dist', 'index.js');
  const out = buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' });
  const m = new Module('workflow-parser-bundle') as Module & { _compile(code: string, file: string): void };
  m._compile(out.outputFiles[0]!.text, join(REPO_ROOT, 'node_modules', '.workflow-parser-bundle.js'));
  parser = m.exports as WorkflowParser;
  return parser;
}

async function parse(name: string, content: string) {
  const p = workflowParser();
  const result = p.parseWorkflow({ name, content }, new p.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  const template = errors.length ? undefined : await p.convertWorkflowTemplate(result.context, result.value);
  return { errors, template };
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  'working-directory'?: string;
}
interface Job {
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
  if?: string;
  container?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

describe('GitHub Actions workflows', () => {
  const files = generateWorkflows({ ...DEFAULT_WORKFLOW_CONFIG, environments: ENVIRONMENTS });
  const pr = YAML.parse(files.get(PULL_REQUEST_WORKFLOW)!) as Workflow;
  const deploy = YAML.parse(files.get(DEPLOY_WORKFLOW)!) as Workflow;
  const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
  const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

  test('the committed workflows are what lakec generates (else run `lakec workflows`)', () => {
    for (const [path, text] of files) expect(readFileSync(join(REPO_ROOT, path), 'utf8')).toBe(text);
  });

  test("GitHub's workflow parser accepts both, with the jobs and their order", async () => {
    const envs = ENVIRONMENTS.map((e) => e.name);
    const a = await parse('lakec-pull-request.yml', files.get(PULL_REQUEST_WORKFLOW)!);
    expect(a.errors).toEqual([]);
    expect(a.template!.jobs.map((j) => `${j.id.value}<${(j.needs ?? []).map((n) => n.value).join(',')}`)).toEqual(['contracts<', 'test<', ...envs.map((e) => `plan-${e}<contracts`)]);
    const b = await parse('lakec-deploy.yml', files.get(DEPLOY_WORKFLOW)!);
    expect(b.errors).toEqual([]);
    expect(b.template!.jobs.map((j) => `${j.id.value}<${(j.needs ?? []).map((n) => n.value).join(',')}@${String(j.environment ?? '')}`)).toEqual([
      'test<@',
      ...envs.map((e, i) => `deploy-${e}<${i === 0 ? 'test' : `deploy-${envs[i - 1]}`}@${e}`),
    ]);
  });

  test('the parser can fail: a misspelt key and a bad expression are reported', async () => {
    const broken = files.get(DEPLOY_WORKFLOW)!.replace('runs-on: ubuntu-latest', 'run-on: ubuntu-latest').replace('${{ github.run_id }}', '${{ github.run_id ) }}');
    const r = await parse('broken.yml', broken);
    expect(r.errors.join('\n')).toMatch(/run-on/);
    expect(r.errors.length).toBeGreaterThanOrEqual(2);
  });

  test('pull request: npm ci, lakec check, lakec diff against the base posted as a comment and failing on breaking changes', () => {
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.permissions).toEqual({ contents: 'read' });
    const job = pr.jobs.contracts!;
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(uses(job, 'actions/checkout')[0]!.with).toEqual({ 'fetch-depth': 0 });
    const script = runs(job);
    expect(script).toContain('npm ci');
    expect(script).toContain('npx lakec check');
    expect(script).toContain('npx lakec codeowners --check');
    expect(script).toContain('npx lakec workflows --check');
    const diff = job.steps.find((s) => s.run?.includes('lakec diff'))!;
    expect(diff.run).toContain('npx lakec diff --base "$BASE_SHA" --format markdown > lakec-diff.md');
    expect(diff.env).toEqual({ BASE_SHA: '${{ github.event.pull_request.base.sha }}' });
    const comment = uses(job, 'actions/github-script')[0]!;
    expect(String(comment.with!.script)).toContain("readFileSync('lakec-diff.md'");
    expect(String(comment.with!.script)).toContain('<!-- lakec-diff -->');
    const stop = job.steps[job.steps.length - 1]!;
    expect(stop.if).toBe("steps.diff.outputs.status != '0'");
    expect(stop.run).toContain('exit 1');
    expect(runs(pr.jobs.test!)).toMatch(/apt-get install -y --no-install-recommends chromium[\s\S]*npm ci[\s\S]*npm test/);
  });

  test.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('pull request: synth and plan %s with OIDC credentials, plan attached', (name, env) => {
    const job = pr.jobs[`plan-${name}`]!;
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    expect(job.environment).toBeUndefined(); // a plan never waits for the environment's reviewers
    const creds = uses(job, 'aws-actions/configure-aws-credentials');
    expect(creds).toHaveLength(1);
    expect(creds[0]!.with).toMatchObject({ 'role-to-assume': `arn:aws:iam::${env.account}:role/${env.namePrefix}-${name}-github-plan`, 'aws-region': env.region });
    const order = job.steps.map((s) => s.uses?.split('@')[0] ?? s.run?.split('\n')[0]);
    expect(order.indexOf('aws-actions/configure-aws-credentials')).toBeLessThan(order.indexOf('npx cdktf synth'));
    // The stacks' policy checks run on what was synthesized, before anything is planned.
    expect(order.indexOf('npm run policy')).toBe(order.indexOf('npx cdktf synth') + 1);
    const plan = job.steps.find((s) => s.run?.includes('terraform plan'))!;
    expect(plan['working-directory']).toBe(`cdktf.out/stacks/${name}`);
    expect(plan.run).toContain('terraform plan -input=false -lock=false -no-color -out=tfplan');
    expect(uses(job, 'actions/upload-artifact')[0]!.with).toEqual({ name: `terraform-plan-${name}`, path: `cdktf.out/stacks/${name}/plan-${name}.txt` });
    expect(String(uses(job, 'actions/github-script')[0]!.with!.script)).toContain('createComment');
  });

  test.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('main: deploy %s with cdktf behind its environment, then lakec deploy-sql', (name, env) => {
    expect(deploy.on).toMatchObject({ push: { branches: ['main'] } });
    const job = deploy.jobs[`deploy-${name}`]!;
    expect(job.environment).toBe(name);
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(uses(job, 'aws-actions/configure-aws-credentials')[0]!.with).toMatchObject({ 'role-to-assume': `arn:aws:iam::${env.account}:role/${env.namePrefix}-${name}-github-deploy`, 'aws-region': env.region });
    const steps = job.steps.map((s) => (s.run ? s.run.replace(/"\$(\w+)"/g, (_, v: string) => s.env![v]!) : s.uses));
    const cdktf = steps.indexOf(`npx cdktf deploy ${name} --auto-approve`);
    const sql = steps.indexOf(`npx lakec deploy-sql --env ${name}`);
    expect(cdktf).toBeGreaterThan(0);
    expect(sql).toBeGreaterThan(cdktf);
  });

  test('prod is deployed only after dev, and only from behind the prod environment', () => {
    expect(deploy.jobs['deploy-prod']!.needs).toBe('deploy-dev');
    expect(deploy.jobs['deploy-prod']!.environment).toBe('prod');
  });

  test('an environment name that cannot be a job id is refused', () => {
    expect(() => generateWorkflows({ ...DEFAULT_WORKFLOW_CONFIG, environments: [{ name: 'Prod EU', account: '123456789012', region: 'eu-west-1', namePrefix: 'x' }] })).toThrow(/cannot be part of a job id/);
  });
});
