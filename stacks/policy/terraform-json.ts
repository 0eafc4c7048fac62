/**
 * Read access to a synthesized stack (`cdk.tf.json`): plain Terraform JSON, no cdktf. The policy checks
 * work on this, exactly what `terraform plan` would read.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Block = { readonly [key: string]: Json };

export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly provider?: Readonly<Record<string, readonly Block[]>>;
  readonly terraform?: Block;
  readonly [key: string]: unknown;
}

export interface ResourceRef {
  readonly type: string;
  readonly name: string;
  /** `type.name`, as Terraform prints it. */
  readonly address: string;
  readonly config: Block;
}

export function resources(doc: TerraformJson, type: string): ResourceRef[] {
  return Object.entries(doc.resource?.[type] ?? {}).map(([name, config]) => ({ type, name, address: `${type}.${name}`, config }));
}

export function allResources(doc: TerraformJson): ResourceRef[] {
  return Object.keys(doc.resource ?? {}).flatMap((type) => resources(doc, type));
}

/** `name` when `value` is exactly a reference `${type.name.attribute}` (any attribute), else undefined. */
export function referencedName(value: Json | undefined, type: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}$/.exec(value);
  return m && m[1] === type ? m[2] : undefined;
}

/** Resources of `type` whose `attribute` refers to the given resource. */
export function resourcesReferring(doc: TerraformJson, type: string, attribute: string, target: ResourceRef): ResourceRef[] {
  return resources(doc, type).filter((r) => referencedName(r.config[attribute], target.type) === target.name);
}

/** A nested block Terraform JSON may write as an object or as a list of one object. */
export function block(value: Json | undefined): Block | undefined {
  if (Array.isArray(value)) return (value[0] as Block | undefined) ?? undefined;
  if (value && typeof value === 'object') return value as Block;
  return undefined;
}

export function blocks(value: Json | undefined): Block[] {
  if (Array.isArray(value)) return value.filter((v): v is Block => v !== null && typeof v === 'object' && !Array.isArray(v));
  if (value && typeof value === 'object') return [value as Block];
  return [];
}

export function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function tags(r: ResourceRef): Readonly<Record<string, string>> {
  const t = r.config.tags;
  return t && typeof t === 'object' && !Array.isArray(t) ? (t as Record<string, string>) : {};
}

/** Reads back a literal as Terraform will: `$${` is `${`, `%%{` is `%{`. */
export function tfUnescape(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/**
 * Every `${…}` and `%{…}` Terraform would evaluate in a string (escaped `$${`/`%%{` skipped), as the
 * text between the braces (template directives as `%{…}` whole).
 */
export function templateSequences(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      i += 2;
      continue;
    }
    if ((c === '$' || c === '%') && text[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out.push(c === '$' ? text.slice(i + 2, j) : text.slice(i, j + 1));
      i = j;
    }
  }
  return out;
}

/** Every string in a JSON value, with the path to it. */
export function* strings(value: unknown, path = ''): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield { path: `${path}{key}`, value: k };
      yield* strings(v, path ? `${path}.${k}` : k);
    }
  }
}
