import { App } from 'cdktf';
import type { LakeModel } from '../generators/contract/lake-model';
import { environmentProblems, type EnvironmentConfig } from './environments';
import { skipTokenStackTraces } from './cdktf-tuning';
import { LakeStack } from './lake-stack';

export interface LakeAppOptions {
  readonly outdir?: string;
  /** Local state for every stack, whatever the environments configure (LAKEC_LOCAL_STATE=1). */
  readonly localState?: boolean;
}

/** The CDKTF app: one stack per environment, named after it (`cdktf.out/stacks/<env>/cdk.tf.json`). */
export function lakeApp(model: LakeModel, envs: readonly EnvironmentConfig[], options: LakeAppOptions = {}): App {
  const problems = environmentProblems(envs);
  if (problems.length) throw new EnvironmentConfigError(problems);
  // No construct stack traces: they cost a third of synth time and only point into cdktf itself.
  skipTokenStackTraces();
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), stackTraces: false });
  for (const env of envs) new LakeStack(app, env.name, { env, model, localState: options.localState === true });
  return app;
}

export class EnvironmentConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`stacks/environments.ts:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}
