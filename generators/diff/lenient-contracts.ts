import { checkContracts, type ContractFile } from '../contract/compile-contracts';
import type { LakeModel } from '../contract/lake-model';
import { asObject, asString } from '../contract/raw-access';
import { parseYamlSource } from '../contract/yaml-source';

export interface LenientContracts {
  readonly model: LakeModel;
  /** Files left out because they (or a contract they read) had errors. */
  readonly broken: readonly { readonly path: string; readonly key?: string }[];
}

/**
 * Contracts compiled as far as they go, for a diff. The base passed `lakec check` when it was merged, but a
 * newer lakec may find errors there; and a pull request with errors still deserves to hear what its changes
 * mean. Instead of giving up, files with errors are left out (and Gold contracts that read them, which fail
 * in the next round), so that the rest can still be compared.
 */
export function checkContractsLeniently(files: readonly ContractFile[]): LenientContracts {
  let remaining = [...files];
  const broken: { path: string; key?: string }[] = [];
  for (;;) {
    const result = checkContracts(remaining);
    if (result.model) return { model: result.model, broken };
    const bad = new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
    const next = remaining.filter((f) => !bad.has(f.path));
    if (next.length === remaining.length) {
      // An error not tied to a file of ours (should not happen): compare nothing rather than guess.
      return { model: { contracts: [] }, broken: [...broken, ...remaining.map((f) => ({ path: f.path, ...keyOf(f) }))] };
    }
    for (const f of remaining.filter((x) => bad.has(x.path))) broken.push({ path: f.path, ...keyOf(f) });
    remaining = next;
  }
}

/** `domain.name@vN` of a file that does not compile, when its YAML still says so. */
function keyOf(file: ContractFile): { key?: string } {
  const parsed = parseYamlSource(file.path, file.bytes);
  if (!parsed.ok) return {};
  const raw = asObject(parsed.source.value) ?? {};
  const [domain, name, schemaV] = [asString(raw.domain), asString(raw.name), asString(raw.schema_v)];
  return domain && name && schemaV ? { key: `${domain}.${name}@${schemaV}` } : {};
}
