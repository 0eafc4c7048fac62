import { tfJson } from '../terraform-string';

/** IAM condition block: operator → condition key → value(s). */
export type Condition = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

export type Principal =
  | '*'
  | { readonly AWS: string | readonly string[] }
  | { readonly Service: string | readonly string[] };

export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Principal;
  readonly Action: readonly string[];
  readonly Resource?: readonly string[];
  readonly Condition?: Condition;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

/**
 * Actions AWS authorizes only on `Resource: "*"` (no resource-level permissions), the only ones the stacks
 * grant on `*`. X-Ray segments and telemetry (tracing); `cloudwatch:PutMetricData`, which must carry a
 * `cloudwatch:namespace` condition; and the log-delivery actions Step Functions needs to write its
 * execution history to CloudWatch Logs.
 */
export const STAR_ONLY_ACTIONS: readonly string[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'cloudwatch:PutMetricData',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

export function policyDocument(statements: readonly Statement[]): PolicyDocument {
  const sids = new Set<string>();
  for (const s of statements) {
    if (!/^[A-Za-z0-9]+$/.test(s.Sid)) throw new Error(`policy statement id ${s.Sid} must be alphanumeric`);
    if (sids.has(s.Sid)) throw new Error(`policy statement id ${s.Sid} used twice`);
    sids.add(s.Sid);
    for (const a of s.Action) {
      if (s.Effect === 'Allow' && a.includes('*')) throw new Error(`wildcard action ${a} in statement ${s.Sid}: name each action`);
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The document as Terraform receives it (literal strings escaped, tokens left to cdktf). */
export function policyJson(doc: PolicyDocument): string {
  return tfJson(doc);
}

export function allow(Sid: string, Action: readonly string[], Resource: readonly string[], Condition?: Condition): Statement {
  return { Sid, Effect: 'Allow', Action: [...Action].sort(), Resource, ...(Condition ? { Condition } : {}) };
}

/** Trust policy: who may assume a role. */
export function assumeRolePolicy(principal: Principal, Condition?: Condition): PolicyDocument {
  return policyDocument([{ Sid: 'AssumeRole', Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole'], ...(Condition ? { Condition } : {}) }]);
}

/** X-Ray tracing, which only exists on `*`. */
export function xrayStatement(): Statement {
  return allow('XRayTracing', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], ['*']);
}

/** Metrics into one namespace only: PutMetricData exists only on `*`, the namespace condition is the limit. */
export function putMetricDataStatement(namespace: string): Statement {
  return allow('PutMetricsInLakeNamespace', ['cloudwatch:PutMetricData'], ['*'], { StringEquals: { 'cloudwatch:namespace': namespace } });
}
