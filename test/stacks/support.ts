import { Testing } from 'cdktf';
import type { LakeModel } from '../../generators/contract/lake-model';
import { ENVIRONMENTS, type EnvironmentConfig } from '../../stacks/environments';
import { LakeStack } from '../../stacks/lake-stack';
import type { TerraformJson } from '../../stacks/policy/terraform-json';
import { loadModel } from '../support/specs';

export function environment(name: string): EnvironmentConfig {
  const env = ENVIRONMENTS.find((e) => e.name === name);
  if (!env) throw new Error(`no environment ${name}`);
  return env;
}

/** One environment's stack for a model, synthesized in memory with cdktf's Testing helpers (stubbed version). */
export function synthStack(model: LakeModel, env: EnvironmentConfig | string = 'dev', options: { localState?: boolean } = {}): { json: string; doc: TerraformJson; stack: LakeStack } {
  const app = Testing.app({ stubVersion: true });
  const stack = new LakeStack(app, typeof env === 'string' ? env : env.name, { env: typeof env === 'string' ? environment(env) : env, model, localState: options.localState === true });
  const json = Testing.synth(stack);
  return { json, doc: JSON.parse(json) as TerraformJson, stack };
}

const cache = new Map<string, { json: string; doc: TerraformJson }>();

/** The example contracts' stack of an environment, synthesized once per test file. */
export function exampleStack(env = 'dev'): { json: string; doc: TerraformJson } {
  let hit = cache.get(env);
  if (!hit) {
    const { json, doc } = synthStack(loadModel(), env);
    hit = { json, doc };
    cache.set(env, hit);
  }
  return { json: hit.json, doc: structuredClone(hit.doc) };
}

/** A resource's config in a synthesized document, by type and logical name. */
export function resourceOf(doc: TerraformJson, type: string, name: string): Record<string, unknown> {
  const r = (doc.resource as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[type]?.[name];
  if (!r) throw new Error(`no ${type}.${name}; have ${Object.keys((doc.resource as Record<string, object>)?.[type] ?? {}).join(', ')}`);
  return r;
}

/**
 * The synthesized JSON with the Lambda code's content hashes replaced: the bundle holds the runtime
 * engineer's code, which changes on its own schedule; its determinism is tested separately.
 */
export function normalizeForGolden(doc: TerraformJson): TerraformJson {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      if (key === 'source_code_hash') return '<sha256 of the bundle>';
      return v.replace(/(assets\/[^/]+\/)[0-9A-Za-z]{8,}\//g, '$1<hash>/');
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(doc) as TerraformJson;
}
