import { STAR_ONLY_ACTIONS } from '../../iam/policy-document';
import { isAllowed, parsePolicy, wildcardMatch, type ParsedStatement } from '../iam-evaluation';
import { checkov, policyCheck, type PolicyCheck } from '../policy-check';
import { block, referencedName, resources, str, tags, tfUnescape, type ResourceRef, type TerraformJson } from '../terraform-json';

interface NamedPolicy {
  readonly address: string;
  readonly statements: readonly ParsedStatement[];
}

const IDENTITY_POLICY_TYPES = ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'];
const RESOURCE_POLICY_TYPES: readonly [string, string][] = [
  ['aws_s3_bucket_policy', 'policy'],
  ['aws_kms_key', 'policy'],
  ['aws_sns_topic_policy', 'policy'],
  ['aws_sqs_queue_policy', 'policy'],
];

export function identityPolicies(doc: TerraformJson): NamedPolicy[] {
  return IDENTITY_POLICY_TYPES.flatMap((t) => resources(doc, t)).map((r) => ({ address: r.address, statements: parsePolicy(r.config.policy) ?? [] }));
}

function trustPolicies(doc: TerraformJson): NamedPolicy[] {
  return resources(doc, 'aws_iam_role').map((r) => ({ address: r.address, statements: parsePolicy(r.config.assume_role_policy) ?? [] }));
}

function allPolicies(doc: TerraformJson): NamedPolicy[] {
  const res = RESOURCE_POLICY_TYPES.flatMap(([t, attr]) => resources(doc, t).map((r) => ({ address: r.address, statements: parsePolicy(r.config[attr]) ?? [] })));
  return [...identityPolicies(doc), ...trustPolicies(doc), ...res];
}

/** The identity statements in force for a role: its inline policies and the managed policies attached to it. */
export function roleStatements(doc: TerraformJson, role: ResourceRef): ParsedStatement[] {
  const inline = resources(doc, 'aws_iam_role_policy').filter((p) => referencedName(p.config.role, 'aws_iam_role') === role.name);
  const attached = resources(doc, 'aws_iam_role_policy_attachment')
    .filter((a) => referencedName(a.config.role, 'aws_iam_role') === role.name)
    .map((a) => referencedName(a.config.policy_arn, 'aws_iam_policy'))
    .flatMap((name) => (name ? resources(doc, 'aws_iam_policy').filter((p) => p.name === name) : []));
  return [...inline, ...attached].flatMap((p) => parsePolicy(p.config.policy) ?? []);
}

function rolesOfKind(doc: TerraformJson, kind: string): ResourceRef[] {
  return resources(doc, 'aws_iam_role').filter((r) => tags(r)['lakec:role'] === kind);
}

/** Actions that let a principal grant itself more (cloudsplaining's privilege-escalation families). */
const ESCALATION = [/^iam:/i, /^sts:assumerole/i, /^lambda:(createfunction|updatefunctioncode|updatefunctionconfiguration|addpermission)$/i, /^glue:(create|update)devendpoint$/i, /^cloudformation:/i, /^ec2:runinstances$/i, /^datapipeline:/i, /^ssm:sendcommand$/i];

const DATA_LAYERS = ['bronze', 'silver', 'gold', 'quarantine'];
const S3_WRITE = /^s3:(put|delete|abort|restore|replicate|bypass)/i;

function bucketsByRole(doc: TerraformJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of resources(doc, 'aws_s3_bucket')) {
    const role = tags(b)['lakec:bucket'];
    const name = str(b.config.bucket);
    if (role && name) out.set(name, role);
  }
  return out;
}

function contractPaths(contract: string): { domain: string; name: string; schemaV: string } | undefined {
  const m = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)@(v[0-9]+)$/.exec(contract);
  return m ? { domain: m[1]!, name: m[2]!, schemaV: m[3]! } : undefined;
}

function providerRegion(doc: TerraformJson): string {
  return str(doc.provider?.aws?.[0]?.region) ?? '';
}

function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

interface CatalogTable {
  readonly address: string;
  readonly arn: string;
  readonly readerArn: string;
  readonly layer: string;
  readonly classification: string;
  readonly contract: string;
  /** Object ARNs a reader of the table would fetch: a data file and, for versioned layers, a control object. */
  readonly sampleObjects: readonly string[];
}

/** The lake's Glue tables as the synthesized JSON declares them, with ARNs and sample object ARNs. */
export function catalogTables(doc: TerraformJson): CatalogTable[] {
  const region = providerRegion(doc);
  const p = partitionOf(region);
  const databases = new Map(resources(doc, 'aws_glue_catalog_database').map((d) => [d.name, str(d.config.name) ?? '']));
  return resources(doc, 'aws_glue_catalog_table').flatMap((t) => {
    const params = (t.config.parameters ?? {}) as Record<string, string>;
    const dbRef = referencedName(t.config.database_name, 'aws_glue_catalog_database');
    const db = dbRef ? databases.get(dbRef) : str(t.config.database_name);
    const name = tfUnescape(str(t.config.name) ?? '');
    const account = str(t.config.catalog_id) ?? '';
    const template = tfUnescape(params['storage.location.template'] ?? '');
    const contract = params['lakec.contract'] ?? '';
    if (!db || !template.startsWith('s3://')) return [];
    const sample = template.replace(/\$\{([^}]+)\}/g, (_, k: string) => (k === 'year' ? '2024' : k === 'month' || k === 'day' ? '01' : k === 'run_id' ? '20240101T000000Z' : k.includes('date') ? '2024-01-01' : k.includes('month') ? '2024-01' : 'x'));
    const objectArn = (s3url: string) => `arn:${p}:s3:::${s3url.slice('s3://'.length)}`;
    const location = str(block(t.config.storage_descriptor)?.location) ?? '';
    const schemaV = contract.split('@')[1] ?? '';
    const layer = params['lakec.layer'];
    const controls = layer === 'silver' ? [objectArn(`${location}schema_v=${schemaV}/_PUBLISHED.json`)] : layer === 'gold' ? [objectArn(`${location}_LATEST.json`)] : [];
    return [
      {
        address: t.address,
        arn: `arn:${p}:glue:${region}:${account}:table/${db}/${name}`,
        readerArn: `arn:${p}:glue:${region}:${account}:table/${db}/${name.replace(/_all_runs$/, '')}`,
        layer: params['lakec.layer'] ?? '',
        classification: params['lakec.classification'] ?? '',
        contract,
        sampleObjects: [objectArn(`${sample}part-00000.parquet`), ...controls],
      },
    ];
  });
}

export const IAM_CHECKS: readonly PolicyCheck[] = [
  checkov('CKV_AWS_63', 'Ensure no IAM policies documents allow "*" as a statement\'s actions', (doc, fail) => {
    for (const p of identityPolicies(doc)) for (const s of p.statements) if (s.effect === 'Allow' && (s.actions.includes('*') || s.notActions.length > 0)) fail(p.address, `statement ${s.sid} allows every action`);
  }),
  checkov('CKV_AWS_62', 'Ensure IAM policies that allow full "*-*" administrative privileges are not created', (doc, fail) => {
    for (const p of identityPolicies(doc)) for (const s of p.statements) if (s.effect === 'Allow' && s.actions.includes('*') && s.resources.includes('*')) fail(p.address, `statement ${s.sid} is administrator access`);
  }),
  policyCheck('LAKEC_IAM_NO_ACTION_WILDCARDS', 'DESIGN.md (no IAM action wildcards; stricter than CKV_AWS_63)', 'Ensure no Allow statement in any policy names actions with a wildcard', (doc, fail) => {
    for (const p of allPolicies(doc)) {
      for (const s of p.statements) {
        if (s.effect !== 'Allow') continue;
        if (s.notActions.length) fail(p.address, `statement ${s.sid} uses NotAction`);
        for (const a of s.actions) if (/[*?]/.test(a)) fail(p.address, `statement ${s.sid} allows ${a}`);
      }
    }
  }),
  checkov('CKV_AWS_355', 'Ensure no IAM policies documents allow "*" as a statement\'s resource for restrictable actions', (doc, fail) => {
    const starOnly = new Set(STAR_ONLY_ACTIONS.map((a) => a.toLowerCase()));
    for (const p of identityPolicies(doc)) {
      for (const s of p.statements) {
        if (s.effect !== 'Allow' || !s.resources.includes('*')) continue;
        for (const a of s.actions) if (!starOnly.has(a.toLowerCase())) fail(p.address, `statement ${s.sid} allows ${a} on *`);
      }
    }
  }),
  policyCheck('LAKEC_IAM_METRICS_NAMESPACE', 'DESIGN.md (CloudWatch PutMetricData limited by a namespace condition)', 'Ensure PutMetricData is limited to one namespace', (doc, fail) => {
    for (const p of identityPolicies(doc)) {
      for (const s of p.statements) {
        if (s.effect !== 'Allow' || !s.actions.some((a) => a.toLowerCase() === 'cloudwatch:putmetricdata')) continue;
        const ns = Object.values(s.condition).some((c) => c && typeof c === 'object' && 'cloudwatch:namespace' in c);
        if (!ns) fail(p.address, `statement ${s.sid} allows PutMetricData in any namespace`);
      }
    }
  }),
  checkov('CKV_AWS_286', 'Ensure IAM policies does not allow privilege escalation', (doc, fail) => {
    for (const p of identityPolicies(doc)) {
      for (const s of p.statements) if (s.effect === 'Allow') for (const a of s.actions) if (ESCALATION.some((re) => re.test(a))) fail(p.address, `statement ${s.sid} allows ${a}`);
    }
  }),
  checkov('CKV_AWS_60', 'Ensure IAM role allows only specific services or principals to assume it', (doc, fail) => {
    for (const p of trustPolicies(doc)) for (const s of p.statements) if (s.effect === 'Allow' && s.principals.some((x) => x === '*' || x === 'AWS:*')) fail(p.address, `statement ${s.sid} lets anyone assume the role`);
  }),
  checkov('CKV_AWS_61', 'Ensure IAM role allows only specific principals in account to assume it', (doc, fail) => {
    for (const p of trustPolicies(doc)) {
      for (const s of p.statements) if (s.effect === 'Allow') for (const x of s.principals) if (x.startsWith('AWS:') && /\*/.test(x)) fail(p.address, `principal ${x} has a wildcard`);
    }
  }),
  checkov('CKV_AWS_40', 'Ensure IAM policies are attached only to groups or roles', (doc, fail) => {
    for (const t of ['aws_iam_user_policy', 'aws_iam_user_policy_attachment']) for (const r of resources(doc, t)) fail(r.address, 'policy attached to a user');
    for (const r of resources(doc, 'aws_iam_policy_attachment')) if (Array.isArray(r.config.users) && r.config.users.length) fail(r.address, 'policy attached to users');
  }),
  checkov('CKV_AWS_274', 'Disallow IAM roles, users, and groups from using the AWS AdministratorAccess policy', (doc, fail) => {
    for (const t of ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment']) {
      for (const r of resources(doc, t)) if (/:policy\/AdministratorAccess$/.test(str(r.config.policy_arn) ?? '')) fail(r.address, 'AdministratorAccess attached');
    }
    for (const r of resources(doc, 'aws_iam_role')) {
      const arns = r.config.managed_policy_arns;
      if (Array.isArray(arns) && arns.some((a) => /:policy\/AdministratorAccess$/.test(String(a)))) fail(r.address, 'AdministratorAccess attached');
    }
  }),
  policyCheck('LAKEC_IAM_CONTRACT_SCOPE', 'issue 3 (per-dataset ETL role: only its prefixes and its Glue tables)', 'Ensure a contract’s role reads and writes only its own prefixes and tables', (doc, fail) => {
    const bucketRoles = bucketsByRole(doc);
    for (const role of resources(doc, 'aws_iam_role')) {
      const own = contractPaths(tags(role)['lakec:contract'] ?? '');
      if (!own) continue;
      const reads = (tags(role)['lakec:reads'] ?? '').split(',').map(contractPaths).filter((c): c is NonNullable<typeof c> => !!c);
      const s3Under = (c: NonNullable<typeof own>, key: string) => DATA_LAYERS.concat('condemned').some((l) => key.startsWith(`${l}/${c.domain}/${c.name}/`));
      const glueOf = (c: NonNullable<typeof own>, db: string, table: string) => db.endsWith(`_${c.domain}`) && (table === `${c.name}_${c.schemaV}` || table.startsWith(`${c.name}_${c.schemaV}_`));
      for (const s of roleStatements(doc, role)) {
        if (s.effect !== 'Allow') continue;
        const writes = s.actions.some((a) => S3_WRITE.test(a) || /^glue:(create|update|delete|batch)/i.test(a));
        for (const r of s.resources) {
          const obj = /^arn:[^:]+:s3:::([^/]+)\/(.*)$/.exec(r);
          if (obj && DATA_LAYERS.includes(bucketRoles.get(obj[1]!) ?? '')) {
            const ok = s3Under(own, obj[2]!) || (!writes && reads.some((c) => s3Under(c, obj[2]!)));
            if (!ok) fail(role.address, `statement ${s.sid} reaches ${r}, outside ${tags(role)['lakec:contract']}`);
          }
          const table = /:table\/([^/]+)\/(.+)$/.exec(r);
          if (table) {
            const ok = glueOf(own, table[1]!, table[2]!) || (!writes && reads.some((c) => glueOf(c, table[1]!, table[2]!)));
            if (!ok) fail(role.address, `statement ${s.sid} reaches Glue table ${table[1]}.${table[2]}, not a table of ${tags(role)['lakec:contract']}`);
          }
          if (/:database\/.*\*/.test(r) || /:table\/.*\*/.test(r)) fail(role.address, `statement ${s.sid} names Glue resources by wildcard: ${r}`);
        }
      }
    }
  }),
  policyCheck('LAKEC_IAM_ETL_NO_BRONZE_WRITES', 'issue 3 (bronze: no overwrite or delete for the ETL role)', 'Ensure ETL roles can never write, delete or unlock bronze objects', (doc, fail) => {
    const bronze = [...bucketsByRole(doc)].filter(([, r]) => r === 'bronze').map(([n]) => n);
    for (const role of rolesOfKind(doc, 'etl')) {
      const statements = roleStatements(doc, role);
      for (const bucket of bronze) {
        const key = `arn:${partitionOf(providerRegion(doc))}:s3:::${bucket}/bronze/any/delivery.csv`;
        for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:BypassGovernanceRetention']) {
          const explicitlyDenied = statements.some((s) => s.effect === 'Deny' && !s.hasCondition && s.actions.some((a) => wildcardMatch(a, action, true)) && s.resources.some((r) => wildcardMatch(r, key)));
          if (!explicitlyDenied) fail(role.address, `${action} on bronze is not explicitly denied`);
          if (isAllowed(statements, action, key)) fail(role.address, `${action} on bronze is allowed`);
        }
      }
    }
  }),
  policyCheck('LAKEC_IAM_FINANCE_NO_RESTRICTED', 'DESIGN.md (restricted silver is not readable by the finance role; Gold views only)', 'Ensure the finance role reads no restricted silver, no bronze and no quarantine', (doc, fail) => {
    const finance = rolesOfKind(doc, 'finance');
    if (finance.length === 0 && resources(doc, 'aws_glue_catalog_table').length > 0) fail('aws_iam_role', 'no finance role (tag lakec:role=finance)');
    for (const role of finance) {
      const statements = roleStatements(doc, role);
      for (const t of catalogTables(doc)) {
        const forbidden = (t.layer === 'silver' && t.classification === 'restricted') || t.layer === 'bronze' || t.layer === 'quarantine' || t.layer === 'condemned';
        if (!forbidden) continue;
        for (const arn of [t.arn, t.readerArn]) if (isAllowed(statements, 'glue:GetTable', arn)) fail(role.address, `can read the definition of ${t.layer} table ${arn} (${t.classification})`);
        for (const obj of t.sampleObjects) if (isAllowed(statements, 's3:GetObject', obj)) fail(role.address, `can read ${obj} (${t.layer}, ${t.classification})`);
      }
    }
  }),
];

