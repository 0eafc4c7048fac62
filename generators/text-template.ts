import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

/**
 * Text artifacts (the catalog's HTML, the PR comment, workflows, CODEOWNERS) come from handlebars templates
 * in `templates/` (DESIGN.md). Each target language has its own escaping:
 *  - `html` templates use handlebars' own HTML escaping for every `{{value}}`; `{{{…}}}` is allowed only for
 *    markup that code built from escaped parts (the lineage SVG), never for contract text.
 *  - `text` templates (markdown, YAML, CODEOWNERS) are compiled with `noEscape`: every value must go through
 *    that language's helper (`md`, `code`, `yamlString`, …), registered by the generator that renders them.
 */
export type TemplateLanguage = 'html' | 'text';

export type Helpers = Readonly<Record<string, (...args: never[]) => unknown>>;

let cachedRoot: string | undefined;

/** `templates/` of this checkout: beside generators/ in the sources, two levels up from dist/generators/. */
export function templatesRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (const candidate of [join(__dirname, '..', 'templates'), join(__dirname, '..', '..', 'templates')]) {
    if (existsSync(join(candidate, 'README.md'))) return (cachedRoot = candidate);
  }
  throw new Error(`cannot find lakec's templates/ directory above ${__dirname}`);
}

export function readTemplate(name: string): string {
  return readFileSync(join(templatesRoot(), name), 'utf8');
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/**
 * Renders `templates/<name>` with its language's escaping, the given helpers and partials (template names
 * registered under their short names). Templates are compiled once per process; `strict` makes a missing
 * field an error instead of an empty string.
 */
export function renderTemplate(
  name: string,
  language: TemplateLanguage,
  context: unknown,
  options: { readonly helpers?: Helpers; readonly partials?: Readonly<Record<string, string>> } = {},
): string {
  const key = `${language}:${name}:${Object.keys(options.helpers ?? {}).sort().join(',')}:${Object.entries(options.partials ?? {}).sort().join(',')}`;
  let template = compiled.get(key);
  if (!template) {
    const env = Handlebars.create();
    for (const [helper, fn] of Object.entries(options.helpers ?? {})) env.registerHelper(helper, fn as Handlebars.HelperDelegate);
    for (const [partial, file] of Object.entries(options.partials ?? {})) env.registerPartial(partial, readTemplate(file));
    template = env.compile(readTemplate(name), { noEscape: language === 'text', strict: true, preventIndent: true });
    compiled.set(key, template);
  }
  return template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}
