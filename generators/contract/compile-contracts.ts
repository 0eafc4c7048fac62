import { compareStrings, DiagnosticSink, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic';
import { checkDataset } from './dataset-rules';
import { datasetKey } from './dataset-id';
import type { DatasetModel } from './dataset-model';
import { checkGold } from './gold-rules';
import type { ContractModel, LakeModel } from './lake-model';
import { asObject, asString } from './raw-access';
import { checkSchema } from './schema-check';
import { sqlEngineWarnings, type SqlEngine } from './sql-engine-limits';
import { parseYamlSource, type YamlSource } from './yaml-source';

/** One contract file as read from disk. */
export interface ContractFile {
  /** The path printed in diagnostics (as the user named it). */
  readonly path: string;
  /** The path relative to the specs directory, `/`-separated: recorded in the model. */
  readonly relPath: string;
  readonly bytes: Uint8Array;
}

export interface CheckResult {
  /** Present only when there is no error. */
  readonly model?: LakeModel;
  readonly diagnostics: readonly Diagnostic[];
}

export interface CheckOptions {
  /** Also warn, positioned, where this SQL engine cannot match the TypeScript engine (generators/contract/sql-engine-limits.ts). */
  readonly engine?: SqlEngine;
}

interface Parsed {
  readonly file: ContractFile;
  readonly source: YamlSource;
  readonly sink: DiagnosticSink;
  readonly kind: 'dataset' | 'gold' | undefined;
}

/**
 * contract files → YAML with positions → JSON Schema → semantic rules → model. Pure: reads nothing but
 * its argument, never throws on any input, and reports every diagnostic of the run at once.
 */
export function checkContracts(files: readonly ContractFile[], options: CheckOptions = {}): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const parsed: Parsed[] = [];
  for (const file of [...files].sort((a, b) => compareStrings(a.relPath, b.relPath))) {
    const sink = new DiagnosticSink(file.path);
    const result = parseYamlSource(file.path, file.bytes);
    if (!result.ok) {
      for (const p of result.problems) sink.error(p.at, p.message, p.hint);
      diagnostics.push(...sink.diagnostics);
      continue;
    }
    checkSchema(result.source, sink);
    const kind = asString(asObject(result.source.value)?.kind);
    parsed.push({ file, source: result.source, sink, kind: kind === 'dataset' || kind === 'gold' ? kind : undefined });
  }

  // Identity first: a later file reusing (domain, name, schema_v) is an error pointing at the first.
  const firstByKey = new Map<string, Parsed>();
  const kindByName = new Map<string, Parsed>();
  for (const p of parsed) {
    const raw = asObject(p.source.value) ?? {};
    const [domain, name, schemaV] = [asString(raw.domain), asString(raw.name), asString(raw.schema_v)];
    if (!domain || !name || !schemaV) continue;
    const key = `${domain}.${name}@${schemaV}`;
    const first = firstByKey.get(key);
    if (first) {
      const at = first.source.locate(['name']);
      p.sink.error(p.source.locate(['schema_v']), `dataset \`${key}\` is defined twice`, `first defined at ${first.file.path}:${at.line}:${at.col}; a new version needs a new schema_v`);
    } else {
      firstByKey.set(key, p);
    }
    const other = kindByName.get(`${domain}.${name}`);
    if (other && p.kind && other.kind && other.kind !== p.kind) {
      // Report on the newer version: that is the file that changed the kind.
      const otherV = Number(asString(asObject(other.source.value)?.schema_v)?.slice(1));
      const [newer, older] = Number(schemaV.slice(1)) >= otherV ? [p, other] : [other, p];
      newer.sink.error(newer.source.locate(['kind']), `\`${domain}.${name}\` is a ${older.kind} contract in ${older.file.path} but a ${newer.kind} contract here`, 'every version of a dataset has the same kind; choose another name');
    } else if (!other) {
      kindByName.set(`${domain}.${name}`, p);
    }
  }

  const datasets = new Map<string, DatasetModel | 'broken'>();
  const models: ContractModel[] = [];
  for (const p of parsed.filter((x) => x.kind === 'dataset')) {
    const model = checkDataset(p.source, p.file.relPath, p.sink);
    const raw = asObject(p.source.value) ?? {};
    const key = `${asString(raw.domain)}.${asString(raw.name)}@${asString(raw.schema_v)}`;
    if (firstByKey.get(key) !== p) continue;
    datasets.set(key, model ?? 'broken');
    if (model) models.push(model);
    if (model && options.engine) for (const w of sqlEngineWarnings(model, options.engine)) p.sink.warning(p.source.locate(w.path), w.message, w.hint);
  }
  for (const p of parsed.filter((x) => x.kind === 'gold')) {
    const model = checkGold(p.source, p.file.relPath, datasets, p.sink);
    if (model) models.push(model);
  }

  // Deprecations point at a version that exists.
  const keys = new Set(parsed.map((p) => asObject(p.source.value) ?? {}).map((r) => `${asString(r.domain)}.${asString(r.name)}@${asString(r.schema_v)}`));
  for (const m of models) {
    if (m.deprecated && !keys.has(`${m.id.domain}.${m.id.name}@${m.deprecated.replacedBy}`)) {
      const p = parsed.find((x) => x.file.relPath === m.file)!;
      p.sink.warning(p.source.locate(['deprecated', 'replaced_by']), `\`${m.id.domain}.${m.id.name}@${m.deprecated.replacedBy}\` does not exist yet`, 'add its contract file before merging the deprecation');
    }
  }

  for (const p of parsed) diagnostics.push(...p.sink.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { diagnostics: sorted };
  const contracts = [...models].sort((a, b) => compareStrings(datasetKey(a.id), datasetKey(b.id)));
  return { model: deepFreeze({ contracts }), diagnostics: sorted };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
