import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { checkContracts } from '../../generators/contract/compile-contracts';
import { athenaCreateTable, tableProperties } from '../../generators/ddl/athena-ddl';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { lakeTables } from '../../generators/tables/lake-tables';
import { readContractFiles } from '../../cli/read-specs';
import { ENVIRONMENTS } from '../../stacks/environments';
import { lakeApp } from '../../stacks/lake-app';
import { runPolicyChecks } from '../../stacks/policy/policy-checks';
import { allResources, strings, templateSequences, tfUnescape, type TerraformJson } from '../../stacks/policy/terraform-json';
import { expectMatchesGoldenDir } from '../support/golden';
import { EXAMPLE_SPECS, loadModel, REPO_ROOT } from '../support/specs';
import { exampleStack, normalizeForGolden, resourceOf, synthStack } from './support';

Testing.setupJest();

const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'stacks');

/** The example contracts plus the contracts of a fixture folder, as one model. */
function modelWith(fixture: string) {
  const files = [...readContractFiles(EXAMPLE_SPECS), ...readContractFiles(join(GOLDEN, fixture, 'input'))];
  const { model, diagnostics } = checkContracts(files);
  if (!model) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return model;
}

describe('the example contracts synthesized (cdktf Testing helpers)', () => {
  const { json, doc } = exampleStack('dev');

  it('has the seven buckets, bronze object-locked in governance mode', () => {
    for (const role of ['bronze', 'silver', 'gold', 'quarantine', 'artifacts', 'athena-results', 'access-logs']) {
      expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: `acme-lake-dev-${role}` });
    }
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-lake-dev-bronze', object_lock_enabled: true });
    expect(json).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, { rule: { default_retention: { mode: 'GOVERNANCE', days: 30 } } });
  });

  it('archives quarantine after 90 days and condemned after five years, never expiring them', () => {
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      transition_default_minimum_object_size: 'all_storage_classes_128K',
      rule: expect.arrayContaining([
        expect.objectContaining({ filter: [{ prefix: 'quarantine/' }], transition: [{ days: 90, storage_class: 'GLACIER_IR' }] }),
        expect.objectContaining({ filter: [{ prefix: 'condemned/' }], transition: [{ days: 1825, storage_class: 'GLACIER' }] }),
      ]),
    });
  });

  it('has one Glue table per TableDef, with the DDL printer’s own properties (they cannot drift)', () => {
    const model = loadModel();
    const buckets = dataBucketNames('acme-lake', 'dev');
    const tables = lakeTables(model);
    // Besides them, each dataset's Athena backfill reads bronze through a lines table (stacks/orchestration/backfill.ts).
    expect(Object.keys((doc.resource as Record<string, object>)['aws_glue_catalog_table']!).filter((k) => !k.endsWith('-lines-table'))).toHaveLength(tables.length);
    for (const t of tables) {
      const glue = resourceOf(doc, GlueCatalogTable.tfResourceType, `catalog-table-${t.database}-${t.name}`) as { name: string; parameters: Record<string, string>; storage_descriptor: { location: string; columns: { name: string; type: string }[] }; partition_keys: { name: string }[] };
      expect(glue.name).toBe(t.name);
      for (const [k, v] of tableProperties(t, buckets)) expect(tfUnescape(glue.parameters[k]!)).toBe(v);
      const ddl = athenaCreateTable(t, buckets);
      expect(ddl).toContain(`LOCATION '${glue.storage_descriptor.location}'`);
      for (const c of glue.storage_descriptor.columns) expect(ddl).toMatch(new RegExp(`\`${c.name}\` ${c.type.replace(/[()]/g, '\\$&')} COMMENT`));
      expect(glue.partition_keys.map((k) => k.name)).toEqual(t.partitionKeys.map((k) => k.name));
    }
  });

  it('escapes Athena’s own ${…} placeholders, so Terraform writes them literally', () => {
    const bronze = resourceOf(doc, GlueCatalogTable.tfResourceType, 'catalog-table-bronze_mortgages-transactions_v1') as { parameters: Record<string, string> };
    expect(bronze.parameters['storage.location.template']).toBe('s3://acme-lake-dev-bronze/bronze/mortgages/transactions/ingest_date=$${ingest_date}/');
  });

  it('enforces each Athena workgroup with KMS results, a cut-off and metrics', () => {
    expect(json).toHaveResourceWithProperties(AthenaWorkgroup, {
      name: 'acme-lake-dev-finance',
      configuration: expect.objectContaining({ enforce_workgroup_configuration: true, publish_cloudwatch_metrics_enabled: true, bytes_scanned_cutoff_per_query: 10 * 1024 ** 3 }),
    });
  });

  it('encrypts what the Gold refresh writes with the gold key: Athena uses the workgroup’s result encryption for CTAS and INSERT', () => {
    const gold = resourceOf(doc, AthenaWorkgroup.tfResourceType, 'athena-gold-workgroup') as { configuration: { result_configuration: { encryption_configuration: { kms_key_arn: string } } } };
    expect(gold.configuration.result_configuration.encryption_configuration.kms_key_arn).toBe('${aws_kms_key.keys-gold-key.arn}');
    const policy = JSON.parse((resourceOf(doc, 'aws_s3_bucket_policy', 'buckets-gold-policy') as { policy: string }).policy) as { Statement: { Sid: string; Condition?: Record<string, Record<string, string[]>> }[] };
    expect(policy.Statement.find((s) => s.Sid === 'DenyOtherKmsKey')!.Condition!.StringNotEquals!['s3:x-amz-server-side-encryption-aws-kms-key-id']).toEqual(['${aws_kms_key.keys-gold-key.arn}']);
  });

  it('is plain Terraform JSON: no cdktf token left, only Terraform’s own blocks', () => {
    expect(json).not.toMatch(/TfToken|\$\{Token\[/);
    expect(Object.keys(doc).every((k) => ['//', 'terraform', 'provider', 'resource', 'output', 'data', 'locals', 'variable'].includes(k))).toBe(true);
    expect(doc.terraform).toMatchObject({ required_providers: { aws: { source: 'hashicorp/aws' } }, required_version: '>= 1.10.0' });
  });

  it('synthesizes the same JSON twice', () => {
    expect(synthStack(loadModel(), 'dev').json).toBe(json);
  });

  it('configures remote state with S3 locking where the environment asks for it', () => {
    const prod = exampleStack('prod').doc;
    expect((prod.terraform as Record<string, unknown>).backend).toEqual({
      s3: { bucket: 'acme-lake-terraform-state', key: 'lakec/prod.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    const local = synthStack(loadModel(), 'prod', { localState: true }).doc;
    expect((local.terraform as Record<string, unknown>).backend).toEqual({ local: { path: 'terraform.tfstate' } });
    const dynamo = { ...ENVIRONMENTS[1]!, remoteState: { ...ENVIRONMENTS[1]!.remoteState!, locking: { kind: 'dynamodb' as const, table: 'tf-locks' } } };
    expect((synthStack(loadModel(), dynamo).doc.terraform as Record<string, unknown>).backend).toEqual({
      s3: { bucket: 'acme-lake-terraform-state', key: 'lakec/prod.tfstate', region: 'eu-west-1', encrypt: true, dynamodb_table: 'tf-locks' },
    });
  });
});

describe('golden synthesized JSON', () => {
  it.each([['example'], ['hostile']])('%s matches test/golden/stacks/%s/expected', (fixture) => {
    const model = fixture === 'example' ? loadModel() : loadModel(join(GOLDEN, fixture, 'input'));
    const files = new Map(ENVIRONMENTS.map((e) => [`${e.name}.tf.json`, `${JSON.stringify(normalizeForGolden(synthStack(model, e).doc), null, 2)}\n`]));
    expectMatchesGoldenDir(files, join(GOLDEN, fixture, 'expected'));
  });
});

describe('a contract nobody here wrote', () => {
  const before = exampleStack('dev').doc;
  const after = synthStack(modelWith('added-contract'), 'dev').doc;
  const index = (d: TerraformJson) => new Map(allResources(d).map((r) => [r.address, r.config]));

  it('changes nothing that was there', () => {
    const b = index(before);
    const a = index(after);
    const changed = [...b].filter(([address, config]) => JSON.stringify(a.get(address)) !== JSON.stringify(config)).map(([address]) => address);
    expect(changed).toEqual([]);
    expect(after.output).toEqual(before.output);
  });

  it('adds only its own resources: tables, roles, functions, alarms, prefixes of insurance', () => {
    const b = index(before);
    const added = allResources(after).filter((r) => !b.has(r.address));
    expect(added.length).toBeGreaterThan(20);
    for (const r of added) expect({ address: r.address, own: /insurance/.test(r.address) }).toEqual({ address: r.address, own: true });
    const types = new Set(added.map((r) => r.type));
    for (const t of ['aws_glue_catalog_database', 'aws_glue_catalog_table', 'aws_iam_role', 'aws_cloudwatch_metric_alarm', 'aws_sfn_state_machine', 'aws_sns_topic', 'aws_athena_named_query']) expect([...types]).toContain(t);
  });

  it('gets roles scoped to its own prefixes, and passes every policy check', () => {
    expect(runPolicyChecks(after)).toEqual([]);
    const policies = allResources(after).filter((r) => r.type === 'aws_iam_role_policy' && /insurance/.test(r.address)).map((r) => String(r.config.policy));
    expect(policies.join('\n')).toContain('gold/insurance/claims_by_month/schema_v=v1/*');
    expect(policies.join('\n')).toContain('silver/insurance/claims/');
  });
});

describe('hostile contract text', () => {
  const { doc } = synthStack(loadModel(join(GOLDEN, 'hostile', 'input')), 'dev');

  it('passes every policy check, the no-stray-template check included', () => {
    expect(runPolicyChecks(doc)).toEqual([]);
  });

  it('reaches the JSON only escaped: Terraform would evaluate none of it', () => {
    let hostile = 0;
    for (const { path, value } of strings(doc)) {
      if (path.startsWith('//') || path.includes('.//')) continue;
      if (/file\(|var\.|local\.|jsonencode|for k in|if true/.test(value)) {
        hostile++;
        for (const seq of templateSequences(value)) expect(seq).toMatch(/^[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_]+$/);
      }
    }
    expect(hostile).toBeGreaterThan(5);
    const table = resourceOf(doc, GlueCatalogTable.tfResourceType, 'catalog-table-silver_ledger-entries_v3_all_runs') as { description: string };
    expect(table.description).toContain('$${file("/etc/passwd")}');
    expect(tfUnescape(table.description)).toContain('${file("/etc/passwd")} %{ for k in ["a"] }');
  });
});

describe('cdktf synth of the app (what `npx cdktf synth` runs)', () => {
  it('writes one stack per environment with its assets, usable from its own folder', () => {
    const out = mkdtempSync(join(tmpdir(), 'lakec-synth-'));
    try {
      lakeApp(loadModel(), ENVIRONMENTS, { outdir: out }).synth();
      expect(readdirSync(join(out, 'stacks')).sort()).toEqual(ENVIRONMENTS.map((e) => e.name).sort());
      for (const e of ENVIRONMENTS) {
        const dir = join(out, 'stacks', e.name);
        const doc = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as TerraformJson;
        for (const { value } of strings(doc)) if (/^assets\//.test(value)) expect(existsSync(join(dir, value))).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
