import YAML from 'yaml';
import type { FileMap } from '../file-map';
import { renderTemplate } from '../text-template';

/** What the workflows need to know of an environment (from stacks/environments.ts). */
export interface WorkflowEnvironmentInput {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly namePrefix: string;
}

export interface WorkflowConfig {
  readonly environments: readonly WorkflowEnvironmentInput[];
  /** The branch deployments come from and pull requests target. */
  readonly mainBranch: string;
  /** Node.js major version the jobs run (the machines' and CI's). */
  readonly nodeVersion: string;
  /** Terraform for plan and deploy (≥ 1.10 for S3-native state locking). */
  readonly terraformVersion: string;
}

export const DEFAULT_WORKFLOW_CONFIG = { mainBranch: 'main', nodeVersion: '20', terraformVersion: '1.10.5' } as const;

export const PULL_REQUEST_WORKFLOW = '.github/workflows/lakec-pull-request.yml';
export const DEPLOY_WORKFLOW = '.github/workflows/lakec-deploy.yml';

/**
 * The IAM roles GitHub Actions assumes through OIDC in each account. They are created once per account
 * outside the stacks (the stack cannot create the role that deploys it): the plan role is read-only and
 * trusts `repo:ORG/REPO:pull_request`; the deploy role trusts only `repo:ORG/REPO:environment:ENV`, so it is
 * reachable only from a job behind that GitHub environment's protection rules.
 */
export function ciRoleArns(env: WorkflowEnvironmentInput): { plan: string; deploy: string } {
  const role = (kind: string) => `arn:aws:iam::${env.account}:role/${env.namePrefix}-${env.name}-github-${kind}`;
  return { plan: role('plan'), deploy: role('deploy') };
}

/** The one quoting of values for the workflow YAML: a YAML scalar that reads back as exactly `value`. */
export function yamlScalar(value: string): string {
  const text = YAML.stringify(value, { lineWidth: 0 }).trimEnd();
  if (text.includes('\n')) throw new Error(`value does not fit on one YAML line: ${JSON.stringify(value)}`);
  return text;
}

const JOB_ID_PART = /^[a-z][a-z0-9_-]*$/;

/**
 * The pull-request and deploy workflows from the environments: per environment a plan job on pull requests
 * and a deploy job on main, each environment deployed after the one before it (in the order of
 * stacks/environments.ts), behind its GitHub environment of the same name.
 */
export function generateWorkflows(config: WorkflowConfig): FileMap {
  const environments = config.environments.map((env, i) => {
    if (!JOB_ID_PART.test(env.name)) throw new Error(`environment name ${JSON.stringify(env.name)} cannot be part of a job id`);
    if (!/^[0-9]{12}$/.test(env.account)) throw new Error(`environment ${env.name}: account ${JSON.stringify(env.account)} is not a 12-digit AWS account id`);
    const roles = ciRoleArns(env);
    return {
      id: env.name,
      name: yamlScalar(env.name),
      stack: yamlScalar(env.name),
      stackDir: yamlScalar(`cdktf.out/stacks/${env.name}`),
      planFile: yamlScalar(`plan-${env.name}.txt`),
      planPath: yamlScalar(`cdktf.out/stacks/${env.name}/plan-${env.name}.txt`),
      planArtifact: yamlScalar(`terraform-plan-${env.name}`),
      planRole: yamlScalar(roles.plan),
      deployRole: yamlScalar(roles.deploy),
      region: yamlScalar(env.region),
      marker: yamlScalar(`<!-- lakec-plan-${env.name} -->`),
      needs: i === 0 ? 'test' : `deploy-${config.environments[i - 1]!.name}`,
    };
  });
  if (!/^[0-9]+$/.test(config.nodeVersion)) throw new Error(`node version ${JSON.stringify(config.nodeVersion)} is not a major version`);
  const context = {
    nodeMajor: config.nodeVersion,
    environments,
    planJobs: environments.map((e) => `plan-${e.id}`),
    branch: yamlScalar(config.mainBranch),
    node: yamlScalar(config.nodeVersion),
    terraform: yamlScalar(config.terraformVersion),
  };
  return new Map([
    [PULL_REQUEST_WORKFLOW, renderTemplate('github/workflows/lakec-pull-request.yml.hbs', 'text', context)],
    [DEPLOY_WORKFLOW, renderTemplate('github/workflows/lakec-deploy.yml.hbs', 'text', context)],
  ]);
}
