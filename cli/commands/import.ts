import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkContracts, type ContractFile } from '../../generators/contract/compile-contracts';
import { formatDiagnostic, type Diagnostic } from '../../generators/contract/diagnostic';
import { importOdcs, type ImportedContract } from '../../generators/odcs/import-odcs';
import { booleanFlag, parseArgs, stringFlag, UsageError } from '../args';
import { EXIT, UserError } from '../command';
import { DEFAULT_SPECS } from '../load-model';
import { readContractFiles, SpecsDirError } from '../read-specs';

export const help = [
  'Usage: lakec import odcs FILE... [--out DIR] [--force]',
  '',
  'Options:',
  '  --out DIR   specs directory to write the contracts into (default dataset-specs/)',
  '  --force     replace contract files that already exist',
  '',
  'Reads Open Data Contract Standard (ODCS) v3 documents and writes one lakec contract per schema object.',
  'The new contracts are checked together with those already in DIR; nothing is written unless all pass.',
].join('\n');

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { out: 'string', specs: 'string', force: 'boolean' });
  const [format, ...files] = args.positionals;
  if (format !== 'odcs') throw new UsageError(format ? `unknown import format \`${format}\`; lakec imports odcs` : 'say what to import: `lakec import odcs FILE`');
  if (files.length === 0) throw new UsageError('name the ODCS file(s) to import');
  const out = stringFlag(args, 'out') ?? stringFlag(args, 'specs') ?? DEFAULT_SPECS;

  const imported: ImportedContract[] = [];
  const problems: Diagnostic[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new UserError(`cannot read \`${file}\``);
    }
    const result = importOdcs(file, bytes);
    problems.push(...result.diagnostics);
    imported.push(...result.contracts);
  }
  for (const d of problems) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (problems.some((d) => d.severity === 'error')) {
    process.stderr.write('lakec import: nothing written; fix the ODCS documents above\n');
    return EXIT.failure;
  }

  const clash = imported.filter((c) => existsSync(join(out, c.relPath)));
  if (clash.length && !booleanFlag(args, 'force')) {
    throw new UserError(`${clash.map((c) => join(out, c.relPath)).join(', ')} already exist${clash.length === 1 ? 's' : ''}; use --force to replace`);
  }
  const seen = new Set<string>();
  for (const c of imported) {
    if (seen.has(c.relPath)) throw new UserError(`two imported contracts would both be written to ${join(out, c.relPath)}`);
    seen.add(c.relPath);
  }

  // Check the new contracts together with the ones already there (a Gold contract reads a dataset).
  let existing: ContractFile[] = [];
  try {
    existing = existsSync(out) ? readContractFiles(out) : [];
  } catch (err) {
    if (!(err instanceof SpecsDirError)) throw err;
  }
  const incoming: ContractFile[] = imported.map((c) => ({ path: join(out, c.relPath), relPath: c.relPath, bytes: Buffer.from(c.text) }));
  const check = checkContracts([...existing.filter((f) => !seen.has(f.relPath)), ...incoming]);
  const mine = check.diagnostics.filter((d) => incoming.some((f) => f.path === d.file));
  for (const d of mine) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!check.model) {
    process.stderr.write('lakec import: nothing written; the imported contracts (or the specs with them) do not pass lakec check\n');
    return EXIT.failure;
  }
  for (const c of imported) {
    const target = join(out, c.relPath);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    writeFileSync(tmp, c.text);
    renameSync(tmp, target);
    process.stdout.write(`wrote ${target} (${c.key})\n`);
  }
  return EXIT.ok;
}
