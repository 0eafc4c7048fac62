import { createHash } from 'node:crypto';
import { formatColumnType } from '../contract/column-type';
import { datasetKey, schemaVNumber } from '../contract/dataset-id';
import type { ColumnModel, DatasetModel } from '../contract/dataset-model';
import { compareStrings } from '../contract/diagnostic';
import type { GoldModel } from '../contract/gold-model';
import { goldsOf, type ContractModel, type LakeModel } from '../contract/lake-model';
import { generatedHeader, type FileMap } from '../file-map';
import { readTemplate, renderTemplate } from '../text-template';
import { datasetPagePath, INDEX_PAGE, LINEAGE_PAGE } from './catalog-paths';
import { lineageLayout, type LineageLayout } from './lineage';
import { readerTable, sampleQueries } from './sample-queries';

/**
 * `lakec docs`: a static data catalog in HTML — an index, a lineage page, and one page per dataset with all
 * its schema versions side by side. No script, no external resource: pages work offline from a folder, and a
 * Content-Security-Policy allows nothing but the one inline stylesheet (by hash). Every contract value reaches
 * the HTML through handlebars' escaping.
 */
export function generateCatalog(model: LakeModel): FileMap {
  const css = readTemplate('catalog/catalog.css');
  const csp = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'; img-src 'none'; base-uri 'none'; form-action 'none'`;
  const partials = { head: 'catalog/head.html.hbs', foot: 'catalog/foot.html.hbs', css: 'catalog/catalog.css', lineage: 'catalog/lineage.svg.hbs' };
  const groups = datasetGroups(model);
  const out = new Map<string, string>();
  const page = (path: string, template: string, contracts: readonly ContractModel[], context: Record<string, unknown>) => {
    const depth = path.split('/').length - 1;
    const root = '../'.repeat(depth);
    const html = renderTemplate(`catalog/${template}`, 'html', { ...context, csp, root, indexHref: `${root}${INDEX_PAGE}`, lineageHref: `${root}${LINEAGE_PAGE}` }, { partials });
    out.set(path, `${generatedHeader('html', contracts, 'data catalog', 'lakec docs')}${html}`);
  };

  page(INDEX_PAGE, 'index.html.hbs', model.contracts, { title: 'Data catalog', domains: indexDomains(groups), contracts: model.contracts.length, lineage: withRoot(lineageLayout(model), '') });
  page(LINEAGE_PAGE, 'lineage.html.hbs', model.contracts, { title: 'Lineage', lineage: withRoot(lineageLayout(model), '') });
  for (const versions of groups) {
    const path = datasetPagePath(versions[0]!.id);
    const names = new Set(versions.map((v) => datasetKey(v.id)));
    page(path, 'dataset.html.hbs', versions, {
      title: `${versions[0]!.id.domain}.${versions[0]!.id.name}`,
      dataset: datasetPage(model, versions),
      lineage: withRoot(lineageLayout(model, (c) => names.has(datasetKey(c.id))), '../'),
    });
  }
  return out;
}

/** Every version of each dataset (domain.name), oldest first, datasets in name order. */
function datasetGroups(model: LakeModel): ContractModel[][] {
  const byName = new Map<string, ContractModel[]>();
  for (const c of model.contracts) {
    const key = `${c.id.domain}.${c.id.name}`;
    byName.set(key, [...(byName.get(key) ?? []), c]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, list]) => list.sort((a, b) => schemaVNumber(a.id.schemaV) - schemaVNumber(b.id.schemaV)));
}

/** The version readers should use: the newest that is not deprecated (DESIGN.md's `domain.name`). */
function current(versions: readonly ContractModel[]): ContractModel {
  return [...versions].reverse().find((v) => !v.deprecated) ?? versions[versions.length - 1]!;
}

function withRoot(layout: LineageLayout, root: string): LineageLayout & { readonly empty: boolean } {
  return { ...layout, empty: layout.nodes.length === 0, nodes: layout.nodes.map((n) => ({ ...n, href: `${root}${n.href}` })) };
}

function layerName(c: ContractModel): string {
  return c.kind === 'dataset' ? 'Silver' : 'Gold';
}

function indexDomains(groups: readonly ContractModel[][]) {
  const domains = new Map<string, ContractModel[][]>();
  for (const g of groups) domains.set(g[0]!.id.domain, [...(domains.get(g[0]!.id.domain) ?? []), g]);
  return [...domains.entries()].map(([domain, list]) => ({
    domain,
    datasets: list.map((versions) => {
      const now = current(versions);
      return {
        name: `${now.id.domain}.${now.id.name}`,
        href: datasetPagePath(now.id),
        layer: layerName(now),
        layerClass: now.kind === 'dataset' ? 'silver' : 'gold',
        description: firstLine(now.description),
        owner: now.owners.owner,
        steward: now.owners.steward,
        classification: now.classification,
        versions: versions.map((v) => ({ v: v.id.schemaV, href: `${datasetPagePath(v.id)}#${v.id.schemaV}`, deprecated: !!v.deprecated, current: v === now })),
      };
    }),
  }));
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function versionCell(c: ContractModel, name: string): { text: string; absent: boolean } {
  if (c.kind === 'dataset') {
    const col = c.columns.find((x) => x.name === name);
    if (!col) return { text: '—', absent: true };
    return { text: [formatColumnType(col.type), col.required ? 'required' : '', col.unique ? 'unique' : ''].filter(Boolean).join(' · '), absent: false };
  }
  const dim = c.dimensions.find((d) => d.name === name);
  if (dim) return { text: `${formatColumnType(dim.type)} · dimension`, absent: false };
  if (name === c.time.as) return { text: `string · period (${c.time.grain} of ${c.time.column})`, absent: false };
  const m = c.measures.find((x) => x.name === name);
  if (m) return { text: `${formatColumnType(m.type)} · ${m.text}${m.running ? ' · running' : ''}`, absent: false };
  return { text: '—', absent: true };
}

function columnNames(c: ContractModel): string[] {
  return c.kind === 'dataset' ? c.columns.map((x) => x.name) : [...c.dimensions.map((d) => d.name), c.time.as, ...c.measures.map((m) => m.name)];
}

function datasetPage(model: LakeModel, versions: readonly ContractModel[]) {
  const now = current(versions);
  const newestFirst = [...versions].reverse();
  const names: string[] = [];
  for (const v of newestFirst) for (const n of columnNames(v)) if (!names.includes(n)) names.push(n);
  return {
    key: `${now.id.domain}.${now.id.name}`,
    layer: layerName(now),
    layerClass: now.kind === 'dataset' ? 'silver' : 'gold',
    isGold: now.kind === 'gold',
    description: now.description,
    current: now.id.schemaV,
    owner: now.owners.owner,
    steward: now.owners.steward,
    reviewers: now.owners.reviewers,
    classification: now.classification,
    compare: {
      versions: versions.map((v) => ({ v: v.id.schemaV, href: `#${v.id.schemaV}`, deprecated: v.deprecated })),
      rows: names.map((name) => ({ name, cells: versions.map((v) => versionCell(v, name)) })),
    },
    sections: newestFirst.map((v) => (v.kind === 'dataset' ? datasetSection(model, v) : goldSection(v))),
  };
}

function common(c: ContractModel) {
  return {
    id: c.id.schemaV,
    v: c.id.schemaV,
    key: datasetKey(c.id),
    file: c.file,
    description: c.description,
    deprecated: c.deprecated,
    owner: c.owners.owner,
    steward: c.owners.steward,
    reviewers: c.owners.reviewers,
    classification: c.classification,
    queries: sampleQueries(c),
  };
}

function table(c: ContractModel, layer: Parameters<typeof readerTable>[1], what: string) {
  const t = readerTable(c, layer);
  return { what, name: `${t.database}.${t.name}` };
}

function columnRules(c: ColumnModel): string[] {
  const rules: string[] = [];
  if (c.pattern) rules.push(`pattern ${c.pattern.source}`);
  if (c.allowed) rules.push(`allowed: ${c.allowed.join(', ')}`);
  if (c.min !== undefined) rules.push(`min ${c.min}`);
  if (c.max !== undefined) rules.push(`max ${c.max}`);
  if (c.minLength !== undefined) rules.push(`min length ${c.minLength}`);
  if (c.maxLength !== undefined) rules.push(`max length ${c.maxLength}`);
  if (c.format && (c.type.kind === 'date' || c.type.kind === 'timestamp')) rules.push(`format ${c.format.text}`);
  if (c.sourceName !== c.name) rules.push(`header ${c.sourceName}`);
  return rules;
}

function datasetSection(model: LakeModel, d: DatasetModel) {
  return {
    ...common(d),
    isGold: false,
    tables: [
      table(d, 'silver', 'validated rows (published runs)'),
      table(d, 'quarantine', 'rows that failed a rule, with the reason'),
      table(d, 'condemned', 'duplicates, and rows that failed max_attempts times'),
      table(d, 'bronze', 'raw deliveries, as strings'),
    ],
    columns: d.columns.map((c) => ({ name: c.name, type: formatColumnType(c.type), required: c.required, unique: c.unique, rules: columnRules(c), description: c.description })),
    partitions: d.partitions.map((p) => ({ name: p.name, expr: `${p.transform}(${p.from})` })),
    source: {
      delimiter: JSON.stringify(d.source.delimiter),
      header: d.source.header ? 'yes: cells are matched by header name' : 'no: cells are read by position',
      nullValues: d.source.nullValues.map((v) => JSON.stringify(v)).join(', '),
    },
    quality: d.quality,
    usedBy: goldsOf(model)
      .filter((g) => datasetKey(g.from) === datasetKey(d.id))
      .map((g) => ({ key: datasetKey(g.id), href: `../${datasetPagePath(g.id)}#${g.id.schemaV}` })),
  };
}

function goldSection(g: GoldModel) {
  return {
    ...common(g),
    isGold: true,
    tables: [table(g, 'gold', 'the published snapshot')],
    from: { key: datasetKey(g.from), href: `../${datasetPagePath(g.from)}#${g.from.schemaV}` },
    time: g.time,
    filter: g.filter?.text,
    dimensions: g.dimensions.map((d) => ({ name: d.name, type: formatColumnType(d.type), description: d.description })),
    measures: g.measures.map((m) => ({ name: m.name, type: formatColumnType(m.type), expr: m.text, running: m.running, description: m.description })),
    openMonths: g.openMonths,
  };
}
