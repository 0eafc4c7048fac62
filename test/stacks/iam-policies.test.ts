import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticContracts } from '../../bench/synthetic-contracts';
import { datasetsOf, goldsOf, findContract } from '../../generators/contract/lake-model';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { etlPolicy } from '../../stacks/access/etl-policy';
import { financePolicy, financeRestrictedDenies, restrictedSilverTables } from '../../stacks/access/finance-policy';
import { goldPolicy } from '../../stacks/access/gold-policy';
import { MANAGED_POLICY_LIMIT } from '../../stacks/access/lake-role';
import type { PolicyDocument } from '../../stacks/iam/policy-document';
import { lakeContext } from '../../stacks/lake-context';
import { isAllowed, parsePolicy } from '../../stacks/policy/iam-evaluation';
import { runPolicyChecks } from '../../stacks/policy/policy-checks';
import { loadModel } from '../support/specs';
import { environment, synthStack } from './support';

const KEYS = { bronze: 'arn:aws:kms:eu-west-1:111111111111:key/bronze', silver: 'arn:aws:kms:eu-west-1:111111111111:key/silver', gold: 'arn:aws:kms:eu-west-1:111111111111:key/gold', quarantine: 'arn:aws:kms:eu-west-1:111111111111:key/quarantine', catalog: 'arn:aws:kms:eu-west-1:111111111111:key/catalog', platform: 'arn:aws:kms:eu-west-1:111111111111:key/platform' };
const env = environment('dev');
const model = loadModel();
const ctx = lakeContext(env, model, KEYS, 'Lakec');
const transactions = datasetsOf(model)[0]!;
const statements = (doc: PolicyDocument) => parsePolicy(JSON.stringify(doc))!;
const s3 = (bucket: string, key: string) => `arn:aws:s3:::acme-lake-dev-${bucket}/${key}`;
const table = (db: string, t: string) => `arn:aws:glue:eu-west-1:111111111111:table/${db}/${t}`;

describe('the ETL role of mortgages.transactions@v1', () => {
  const policy = statements(etlPolicy(ctx, transactions, '/aws/lambda/acme-lake-dev-etl-mortgages-transactions-v1'));
  const can = (action: string, resource: string) => isAllowed(policy, action, resource);

  it('reads its own deliveries and nothing else in bronze, and never writes there', () => {
    expect(can('s3:GetObject', s3('bronze', 'bronze/mortgages/transactions/ingest_date=2024-01-31/run_id=20240131T120000Z/file.csv'))).toBe(true);
    expect(can('s3:GetObject', s3('bronze', 'bronze/mortgages/other/ingest_date=2024-01-31/run_id=X/file.csv'))).toBe(false);
    expect(can('s3:GetObject', s3('bronze', 'bronze/mortgages/transactions_2/ingest_date=2024-01-31/run_id=X/f.csv'))).toBe(false);
    for (const a of ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectRetention', 's3:BypassGovernanceRetention']) expect(can(a, s3('bronze', 'bronze/mortgages/transactions/x'))).toBe(false);
  });

  it('writes its silver runs and control objects, its quarantine and condemned rows — of its own schema_v only', () => {
    expect(can('s3:PutObject', s3('silver', 'silver/mortgages/transactions/year=2024/month=01/schema_v=v1/run_id=20240131T120000Z/part-0.parquet'))).toBe(true);
    expect(can('s3:PutObject', s3('silver', 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json'))).toBe(true);
    expect(can('s3:PutObject', s3('silver', 'silver/mortgages/transactions/year=2024/month=01/schema_v=v2/run_id=X/part-0.parquet'))).toBe(false);
    expect(can('s3:PutObject', s3('silver', 'silver/mortgages/other/schema_v=v1/_PUBLISHED.json'))).toBe(false);
    expect(can('s3:PutObject', s3('quarantine', 'quarantine/mortgages/transactions/schema_v=v1/ingest_date=2024-01-31/run_id=X/invalid_rows.parquet'))).toBe(true);
    expect(can('s3:PutObject', s3('quarantine', 'condemned/mortgages/transactions/schema_v=v1/ingest_date=2024-01-31/run_id=X/condemned_rows.parquet'))).toBe(true);
    expect(can('s3:PutObject', s3('gold', 'gold/finance/account_balances/schema_v=v1/_LATEST.json'))).toBe(false);
    expect(can('s3:DeleteObject', s3('silver', 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json'))).toBe(false);
  });

  it('replaces only its own reader views and reads only its own tables', () => {
    expect(can('glue:UpdateTable', table('silver_mortgages', 'transactions_v1'))).toBe(true);
    expect(can('glue:CreateTable', table('quarantine_mortgages', 'transactions_v1_condemned'))).toBe(true);
    expect(can('glue:UpdateTable', table('silver_mortgages', 'transactions_v1_all_runs'))).toBe(false);
    expect(can('glue:UpdateTable', table('gold_finance', 'account_balances_v1'))).toBe(false);
    expect(can('glue:DeleteTable', table('silver_mortgages', 'transactions_v1'))).toBe(false);
    expect(can('glue:GetTable', table('silver_mortgages', 'transactions_v1_all_runs'))).toBe(true);
    expect(can('glue:GetTable', table('silver_mortgages', 'other_v1_all_runs'))).toBe(false);
  });

  it('lists only its own prefixes when it names one, and may learn that a control object is missing (404, not 403)', () => {
    const lists = policy.filter((s) => s.actions.includes('s3:ListBucket') && s.resources.some((r) => r.endsWith('-silver')));
    expect(lists).toHaveLength(1);
    expect(lists[0]!.condition).toEqual({ StringLikeIfExists: { 's3:prefix': ['silver/mortgages/transactions/*'] } });
  });

  it('uses the bronze key to read only, silver and quarantine keys through S3 only', () => {
    const kms = policy.filter((s) => s.resources.some((r) => r.includes(':key/')));
    expect(isAllowed(kms, 'kms:Decrypt', KEYS.bronze)).toBe(true);
    expect(isAllowed(kms, 'kms:GenerateDataKey', KEYS.bronze)).toBe(false);
    expect(isAllowed(kms, 'kms:GenerateDataKey', KEYS.gold)).toBe(false);
    for (const s of kms.filter((x) => x.resources.includes(KEYS.silver))) expect(s.condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } });
  });
});

describe('the Gold publisher role of finance.account_balances@v1', () => {
  const gold = goldsOf(model).find((g) => g.id.name === 'account_balances')!;
  const policy = statements(goldPolicy(ctx, gold, findContract(model, gold.from) as DatasetModel, 'acme-lake-dev-gold-finance-account_balances-v1', 'account_balances_v1__gold_run'));
  const can = (action: string, resource: string) => isAllowed(policy, action, resource);

  it('reads its source silver, writes its own Gold prefix, touches no other Gold', () => {
    expect(can('s3:GetObject', s3('silver', 'silver/mortgages/transactions/year=2024/month=01/schema_v=v1/run_id=X/part-0.parquet'))).toBe(true);
    expect(can('s3:PutObject', s3('silver', 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json'))).toBe(false);
    expect(can('s3:PutObject', s3('gold', 'gold/finance/account_balances/schema_v=v1/run_id=X/as_of_month=2024-01/part-0.parquet'))).toBe(true);
    expect(can('s3:PutObject', s3('gold', 'gold/finance/account_balances/schema_v=v1/_LATEST.json'))).toBe(true);
    expect(can('s3:PutObject', s3('gold', 'gold/finance/monthly_reports/schema_v=v1/_LATEST.json'))).toBe(false);
    expect(can('s3:DeleteObject', s3('gold', 'gold/finance/account_balances/schema_v=v1/_LATEST.json'))).toBe(false);
  });

  it('queries in the Gold refresh workgroup, whose files are encrypted with the gold key it may use', () => {
    expect(can('athena:StartQueryExecution', 'arn:aws:athena:eu-west-1:111111111111:workgroup/acme-lake-dev-gold-refresh')).toBe(true);
    expect(can('athena:StartQueryExecution', 'arn:aws:athena:eu-west-1:111111111111:workgroup/acme-lake-dev-finance')).toBe(false);
    expect(can('kms:GenerateDataKey', KEYS.gold)).toBe(true);
    expect(can('kms:GenerateDataKey', KEYS.platform)).toBe(false);
  });

  it('creates and drops only its staging table, replaces only its reader view', () => {
    expect(can('glue:DeleteTable', table('gold_finance', 'account_balances_v1__gold_run'))).toBe(true);
    expect(can('glue:DeleteTable', table('gold_finance', 'account_balances_v1_all_runs'))).toBe(false);
    expect(can('glue:UpdateTable', table('gold_finance', 'account_balances_v1'))).toBe(true);
    expect(can('glue:UpdateTable', table('gold_finance', 'monthly_reports_v1'))).toBe(false);
  });
});

describe('the finance role', () => {
  it('reads Gold and unrestricted Silver through its own workgroup only', () => {
    const policy = statements(financePolicy(ctx));
    expect(isAllowed(policy, 's3:GetObject', s3('gold', 'gold/finance/account_balances/schema_v=v1/run_id=X/as_of_month=2024-01/part-0.parquet'))).toBe(true);
    expect(isAllowed(policy, 'glue:GetTable', table('gold_finance', 'account_balances_v1'))).toBe(true);
    expect(isAllowed(policy, 's3:GetObject', s3('quarantine', 'quarantine/mortgages/transactions/schema_v=v1/x'))).toBe(false);
    expect(isAllowed(policy, 's3:GetObject', s3('bronze', 'bronze/mortgages/transactions/x'))).toBe(false);
    expect(isAllowed(policy, 's3:PutObject', s3('gold', 'gold/finance/account_balances/schema_v=v1/_LATEST.json'))).toBe(false);
    expect(isAllowed(policy, 'athena:StartQueryExecution', 'arn:aws:athena:eu-west-1:111111111111:workgroup/acme-lake-dev-finance')).toBe(true);
    expect(isAllowed(policy, 'athena:StartQueryExecution', 'arn:aws:athena:eu-west-1:111111111111:workgroup/acme-lake-dev-platform')).toBe(false);
  });

  describe('with many restricted contracts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakec-restricted-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeSyntheticContracts(dir, 120);
    const big = loadModel(dir);
    const bigCtx = lakeContext(env, big, KEYS, 'Lakec');

    it('denies every restricted silver table and prefix, in managed policies within IAM’s size limit', () => {
      const restricted = restrictedSilverTables(bigCtx);
      expect(restricted.length).toBe(40);
      const denies = financeRestrictedDenies(bigCtx);
      expect(denies.length).toBeGreaterThan(1);
      for (const d of denies) expect(JSON.stringify(d).length).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
      const all = [...statements(financePolicy(bigCtx)), ...denies.flatMap(statements)];
      for (const t of restricted) {
        expect(isAllowed(all, 'glue:GetTable', table(t.database, t.readerName))).toBe(false);
        expect(isAllowed(all, 's3:GetObject', s3('silver', `${t.prefix}year=2024/month=01/schema_v=v1/run_id=X/part-0.parquet`))).toBe(false);
      }
      const open = datasetsOf(big).find((d) => d.classification !== 'restricted')!;
      expect(isAllowed(all, 's3:GetObject', s3('silver', `silver/${open.id.domain}/${open.id.name}/year=2024/month=01/schema_v=v1/run_id=X/part-0.parquet`))).toBe(true);
    });

    it('synthesizes a stack that passes every policy check', () => {
      expect(runPolicyChecks(synthStack(big, 'dev').doc)).toEqual([]);
    });
  });
});
