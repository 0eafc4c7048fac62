import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, type TerraformElement } from 'cdktf';
import type { Construct, Node } from 'constructs';
import { datasetKey } from '../generators/contract/dataset-id';
import { datasetsOf, findContract, goldsOf, type LakeModel } from '../generators/contract/lake-model';
import { EtlPipeline } from './compute/etl-pipeline';
import { runtimeLayerPackage } from './compute/lambda-code';
import { LambdaLayer } from './compute/lambda-layer';
import { GoldRefresh } from './orchestration/gold-refresh';
import { Backfill, BackfillWorkgroups } from './orchestration/backfill';
import { backfillLayerPackage } from './orchestration/backfill-code';
import { lakeTables } from '../generators/tables/lake-tables';
import { FinanceAccess } from './access/finance-access';
import { AuditTrail } from './audit/audit-trail';
import { GlueCatalog } from './catalog/glue-catalog';
import { DeadLetterQueue } from './compute/dead-letter-queue';
import type { EnvironmentConfig } from './environments';
import { lakeContext, trailName, type LakeContext } from './lake-context';
import { AlarmTopic, domainTopicName, platformTopicName } from './observability/alarm-topics';
import { PlatformAlarms } from './observability/platform-alarms';
import { AthenaWorkgroups } from './query/athena-workgroups';
import { KEY_PURPOSES, LakeKeys, type KeyPurpose } from './storage/kms-keys';
import { LakeBuckets } from './storage/lake-buckets';
import { contractSlug, etlNamePattern } from './names';
import { METRIC_NAMESPACE } from '../runtime/metrics';

/** Terraform and provider versions the synthesized JSON asks for (plain Terraform or OpenTofu). */
export const AWS_PROVIDER = { source: 'hashicorp/aws', version: '~> 6.25' } as const;
export const REQUIRED_TERRAFORM = '>= 1.10.0';

export interface LakeStackProps {
  readonly env: EnvironmentConfig;
  readonly model: LakeModel;
  /** Use a local state file even where the environment configures remote state (offline work). */
  readonly localState?: boolean;
}

/**
 * One environment of the platform, compiled from the contracts: storage, catalog, query, access,
 * compute, orchestration, observability and audit. Every per-contract resource hangs under a construct
 * named after the contract, so a new contract adds resources and renames none.
 */
export class LakeStack extends TerraformStack {
  readonly ctx: LakeContext;
  private readonly logicalIds = new Map<string, Node>();

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id);
    const { env, model } = props;
    new AwsProvider(this, 'aws', {
      region: env.region,
      allowedAccountIds: [env.account],
      defaultTags: [{ tags: { ...env.tags, 'managed-by': 'lakec' } }],
    });
    this.backend(env, props.localState === true);
    this.addOverride('terraform.required_providers.aws', AWS_PROVIDER);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);

    const keys = new LakeKeys(this, 'keys', { env, trailName: trailName(env) });
    const keyArns = Object.fromEntries(KEY_PURPOSES.map((p) => [p, keys.keys[p].arn])) as Record<KeyPurpose, string>;
    const ctx = lakeContext(env, model, keyArns, METRIC_NAMESPACE);
    this.ctx = ctx;

    const buckets = new LakeBuckets(this, 'buckets', { env, keys, trailName: ctx.trailName, etlRolePattern: etlNamePattern(env) });
    const byKey = new Map(model.contracts.map((c) => [`${c.id.domain}.${c.id.name}@${c.id.schemaV}`, c]));
    const catalog = new GlueCatalog(this, 'catalog', {
      account: env.account,
      tables: lakeTables(model),
      classification: (t) => byKey.get(`${t.contract.domain}.${t.contract.name}@${t.contract.schemaV}`)!.classification,
      buckets: ctx.dataBuckets,
      catalogKey: keys.keys.catalog,
    });
    new AthenaWorkgroups(this, 'athena', ctx);
    new BackfillWorkgroups(this, 'backfill-athena', ctx);
    const backfillLayer = new LambdaLayer(this, 'backfill-runtime', ctx, { pkg: backfillLayerPackage(), name: 'lakec-backfill', description: 'lakec backfill steps: reading deliveries, the circuit breaker, publishing' });
    const deadLetters = new DeadLetterQueue(this, 'dead-letters', ctx);

    const platformTopic = new AlarmTopic(this, 'platform-alarms', {
      env,
      name: platformTopicName(env),
      displayName: `lakec ${env.name} platform alarms`,
      platformKeyArn: ctx.keyArns.platform,
      subscribers: env.alarmSubscribers,
    });
    const domains = [...new Set(model.contracts.map((c) => c.id.domain))].sort();
    const domainTopics = new Map(
      domains.map((domain) => [
        domain,
        new AlarmTopic(this, `alarms-${domain}`, {
          env,
          name: domainTopicName(env, domain),
          displayName: `lakec ${env.name} ${domain} alarms`,
          platformKeyArn: ctx.keyArns.platform,
          subscribers: [...env.alarmSubscribers, ...(env.domainAlarmSubscribers?.[domain] ?? [])],
        }),
      ]),
    );
    const runtimeLayer = new LambdaLayer(this, 'etl-runtime', ctx, { pkg: runtimeLayerPackage(), name: 'lakec-runtime', description: 'lakec runtime: the ETL handler, Parquet and digest threads' });
    for (const dataset of datasetsOf(model)) {
      new EtlPipeline(this, `etl-${contractSlug(dataset.id)}`, { ctx, dataset, layer: runtimeLayer.layer, topic: domainTopics.get(dataset.id.domain)!.topic });
      new Backfill(this, `backfill-${contractSlug(dataset.id)}`, { ctx, dataset, bronzeDatabase: catalog.databases.get(`bronze_${dataset.id.domain}`)!, layer: backfillLayer.layer, topic: domainTopics.get(dataset.id.domain)!.topic });
    }
    for (const gold of goldsOf(model)) {
      const source = findContract(model, gold.from);
      if (!source || source.kind !== 'dataset') throw new Error(`${datasetKey(gold.id)} reads ${datasetKey(gold.from)}, which is not a dataset contract`);
      new GoldRefresh(this, `gold-${contractSlug(gold.id)}`, { ctx, gold, source, topic: domainTopics.get(gold.id.domain)!.topic });
    }
    new PlatformAlarms(this, 'platform-alarm', { ctx, topic: platformTopic.topic, deadLetters: deadLetters.queue });
    const finance = new FinanceAccess(this, 'finance-access', ctx);
    new AuditTrail(this, 'audit', ctx, buckets.policies['access-logs']);

    new TerraformOutput(this, 'bucket_names', { value: ctx.bucketNames, description: 'Bucket name per role' });
    new TerraformOutput(this, 'athena_workgroups', { value: ctx.workgroups, description: 'Athena workgroup per use' });
    new TerraformOutput(this, 'finance_role_arn', { value: finance.role.role.arn, description: 'Role finance assumes for Athena' });
  }

  private backend(env: EnvironmentConfig, forceLocal: boolean): void {
    const rs = env.remoteState;
    if (!rs || forceLocal) {
      // Relative to the stack's folder (cdktf.out/stacks/<env>), which cdktf keeps across syntheses.
      new LocalBackend(this, { path: 'terraform.tfstate' });
      return;
    }
    const backend = new S3Backend(this, {
      bucket: rs.bucket,
      key: rs.key,
      region: rs.region,
      encrypt: true,
      ...(rs.kmsKeyId ? { kmsKeyId: rs.kmsKeyId } : {}),
      ...(rs.locking.kind === 'dynamodb' ? { dynamodbTable: rs.locking.table } : {}),
    });
    if (rs.locking.kind === 'lockfile') backend.addOverride('use_lockfile', true);
  }

  /**
   * Readable, stable Terraform addresses: the construct path below the stack joined with `-`
   * (`etl-mortgages-transactions-v1-function`), instead of cdktf's hashed ids. Contract names never hold
   * `-`; a clash would still be caught here rather than merged silently.
   */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = 'node' in element && !('scopes' in element) ? element.node : (element as Node);
    const components = node.scopes.slice(node.scopes.indexOf(this) + 1).map((c) => c.node.id);
    const id = components.join('-');
    const previous = this.logicalIds.get(id);
    if (previous && previous !== node) throw new Error(`two resources would be named ${id} in stack ${this.node.id}`);
    this.logicalIds.set(id, node);
    return id;
  }
}
