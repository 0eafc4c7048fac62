import { UsageError } from './args';
import { EXIT, type CommandModule } from './command';

interface CommandEntry {
  readonly summary: string;
  readonly usage: string;
  /** Loaded only when the command runs, so `--help` never imports providers or DuckDB. */
  readonly load: () => Promise<CommandModule>;
}

const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  check: { summary: 'validate contracts; exit 1 with file:line:col errors', usage: 'lakec check [--specs DIR] [--engine duckdb|athena]', load: () => import('./commands/check.js') },
  build: { summary: 'write every generated artifact (default out: build/)', usage: 'lakec build [--specs DIR] [--out DIR]', load: () => import('./commands/build.js') },
  run: { summary: 'take a delivered CSV through bronze → silver / quarantine / condemned, then publish', usage: 'lakec run DATASET FILE [--lake DIR|s3://…] [--run-id ID] [--engine ts|duckdb] [--no-publish] [--json] [--specs DIR]', load: () => import('./commands/run.js') },
  backfill: { summary: 'run the bronze deliveries of some months through the lake again (ts, duckdb, or Athena in AWS)', usage: 'lakec backfill DATASET --from YYYY-MM --to YYYY-MM [--engine ts|duckdb|athena] [--lake DIR|s3://…] [--env ENV] [--json] [--specs DIR]', load: () => import('./commands/backfill.js') },
  query: { summary: 'DuckDB SQL over the local lake: the reader tables, published runs only', usage: 'lakec query "SQL" [--lake DIR] [--format table|csv|json] [--specs DIR]', load: () => import('./commands/query.js') },
  retry: { summary: 'validate quarantined rows again (condemned ones too, with --approved-by and --reason)', usage: 'lakec retry DATASET [--approved-by WHO --reason WHY] [--lake DIR|s3://…] [--json] [--specs DIR]', load: () => import('./commands/retry.js') },
  publish: { summary: 'publish a staged run (lakec run --no-publish; a Gold run: lakec gold --no-publish, or one refused for a restatement)', usage: 'lakec publish DATASET --run-id ID [--allow-restatement] [--lake DIR|s3://…] [--json] [--specs DIR]', load: () => import('./commands/publish.js') },
  gold: { summary: 'build a Gold run from published silver, reconcile it, publish it (_LATEST.json)', usage: 'lakec gold GOLD_DATASET [--lake DIR|s3://…] [--allow-restatement] [--no-publish] [--run-id ID] [--json] [--specs DIR]', load: () => import('./commands/gold.js') },
  rollback: { summary: 'point a Gold dataset back at an earlier run (default: the run the current one replaced)', usage: 'lakec rollback GOLD_DATASET [--to RUN_ID] [--lake DIR|s3://…] [--json] [--specs DIR]', load: () => import('./commands/rollback.js') },
  'deploy-sql': { summary: 'check the Glue tables against the contracts, then replace the Athena reader views from the control objects', usage: 'lakec deploy-sql --env ENV [--dry-run] [--json] [--specs DIR]', load: () => import('./commands/deploy-sql.js') },
  diff: { summary: 'classify contract changes against a git ref (breaking / compatible / informational)', usage: 'lakec diff --base GIT_REF [--format text|markdown|json] [--specs DIR]', load: () => import('./commands/diff.js') },
  codeowners: { summary: 'write .github/CODEOWNERS from the contracts\' reviewers (--check: is the committed copy current?)', usage: 'lakec codeowners [--check] [--specs DIR]', load: () => import('./commands/codeowners.js') },
  workflows: { summary: 'write the GitHub Actions workflows for the environments (--check: are the committed ones current?)', usage: 'lakec workflows [--check]', load: () => import('./commands/workflows.js') },
  docs: { summary: 'write the static HTML data catalog (default out: build/docs/)', usage: 'lakec docs [--specs DIR] [--out DIR]', load: () => import('./commands/docs.js') },
  export: { summary: 'write contracts as Open Data Contract Standard (ODCS) v3 documents', usage: 'lakec export odcs [DATASET] [--specs DIR] [--out DIR|-]', load: () => import('./commands/export.js') },
  import: { summary: 'write lakec contracts from ODCS v3 documents', usage: 'lakec import odcs FILE... [--out DIR] [--force]', load: () => import('./commands/import.js') },
};

const ALIASES: Readonly<Record<string, string>> = {};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'lakec — data contracts compiled into an AWS medallion lake, and run locally on the same rules.',
    '',
    'Usage: lakec <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Every command takes --specs DIR (default dataset-specs/). `lakec <command> --help` shows its options.',
    'Exit codes: 0 success, 1 contract errors or a failed/halted/rejected run, 2 usage error, 70 internal error.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const entry = topic ? COMMANDS[topic] : undefined;
    process.stdout.write(`${entry ? `${entry.usage}\n\n${entry.summary}` : mainHelp()}\n`);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${(JSON.parse(require('node:fs').readFileSync(require('node:path').join(require('./project-root').projectRoot(), 'package.json'), 'utf8')) as { version: string }).version}\n`);
    return EXIT.ok;
  }
  const name = ALIASES[first] ?? first;
  const entry = COMMANDS[name];
  if (!entry) {
    const { closest } = await import('../generators/contract/diagnostic.js');
    const near = closest(first, Object.keys(COMMANDS));
    process.stderr.write(`lakec: unknown command \`${first}\`${near ? ` (did you mean \`${near}\`?)` : ''}\nRun \`lakec --help\` for the list of commands.\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const command = await entry.load();
    process.stdout.write(`${entry.usage}\n\n${entry.summary}\n${command.help ? `\n${command.help}\n` : ''}`);
    return EXIT.ok;
  }
  try {
    const command = await entry.load();
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`lakec ${name}: ${err.message}\nUsage: ${entry.usage}\n`);
      return EXIT.usage;
    }
    const known = err as { userMessage?: string };
    if (typeof known?.userMessage === 'string') {
      process.stderr.write(`lakec ${name}: ${known.userMessage}\n`);
      return EXIT.failure;
    }
    process.stderr.write(`lakec ${name}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.LAKEC_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('Set LAKEC_DEBUG=1 for details, and please report it.\n');
    return EXIT.internal;
  }
}
