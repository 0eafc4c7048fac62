/** What a CLI command module exports. */
export interface CommandModule {
  run(argv: readonly string[]): Promise<number>;
  /** Option descriptions for `lakec <command> --help`. */
  readonly help?: string;
}

/** Exit codes, documented in README. */
export const EXIT = {
  ok: 0,
  /** Contract errors; a run that failed, halted or was rejected. */
  failure: 1,
  usage: 2,
  internal: 70,
} as const;

/** An error whose message is meant for the user as it stands (no stack trace, exit 1). */
export class UserError extends Error {
  get userMessage(): string {
    return this.message;
  }
}
