import { datasetKey, schemaVNumber } from '../contract/dataset-id';
import { compareStrings } from '../contract/diagnostic';
import { datasetsOf, goldsOf, type ContractModel, type LakeModel } from '../contract/lake-model';
import { datasetPagePath } from './catalog-paths';

/** A box of the lineage picture; `href` is relative to the catalog root. */
export interface LineageNode {
  readonly id: string;
  readonly layer: 'bronze' | 'silver' | 'quarantine' | 'gold';
  readonly label: string;
  readonly sublabel: string;
  readonly href: string;
  readonly deprecated: boolean;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Baselines of the two lines of text, from the top of the box. */
  readonly labelDy: number;
  readonly subDy: number;
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  /** SVG path data (numbers only). */
  readonly path: string;
  readonly kind: 'flow' | 'rejected';
}

export interface LineageLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  /** Column headings and their x. */
  readonly columns: readonly { readonly label: string; readonly x: number }[];
}

const CHAR_WIDTH = 7.3; // monospace 12px, measured in Chromium; labels are ASCII names
const SUB_CHAR_WIDTH = 6.1; // monospace 10px
const NODE_HEIGHT = 44;
const QUARANTINE_HEIGHT = 30;
const GAP = 14;
const TOP = 40;
const MARGIN = 16;
const COLUMN_GAP = 70;

/**
 * The picture bronze → silver (with its quarantine) → gold, laid out in three columns: each dataset's
 * bronze prefix (version-free) beside its schema versions, each silver version with its quarantine and
 * condemned rows beneath, and each Gold version to the right of the silver version it reads. `focus` keeps
 * only what touches those contracts (a dataset page shows its own lineage).
 */
export function lineageLayout(model: LakeModel, focus?: (c: ContractModel) => boolean): LineageLayout {
  const focused = focus ? new Set(model.contracts.filter(focus).map((c) => datasetKey(c.id))) : undefined;
  const golds = goldsOf(model).filter((g) => !focused || focused.has(datasetKey(g.id)) || focused.has(datasetKey(g.from)));
  const sources = new Set(golds.map((g) => datasetKey(g.from)));
  const silvers = datasetsOf(model)
    .filter((d) => !focused || focused.has(datasetKey(d.id)) || sources.has(datasetKey(d.id)))
    .sort((a, b) => compareStrings(a.id.domain, b.id.domain) || compareStrings(a.id.name, b.id.name) || schemaVNumber(a.id.schemaV) - schemaVNumber(b.id.schemaV));

  const silverLabel = (d: ContractModel) => `silver_${d.id.domain}.${d.id.name}_${d.id.schemaV}`;
  const quarantineLabel = (d: ContractModel) => `quarantine_${d.id.domain}.${d.id.name}_${d.id.schemaV}`;
  const goldLabel = (g: ContractModel) => `gold_${g.id.domain}.${g.id.name}_${g.id.schemaV}`;
  const widthOf = (labels: readonly string[], min: number, subs: readonly string[] = []) =>
    Math.ceil(Math.max(min, ...labels.map((l) => l.length * CHAR_WIDTH + 24), ...subs.map((l) => l.length * SUB_CHAR_WIDTH + 24)));
  const bronzeWidth = widthOf(silvers.map((d) => `${d.id.domain}.${d.id.name}`), 170, silvers.map((d) => `bronze/${d.id.domain}/${d.id.name}/`));
  const silverWidth = widthOf(silvers.flatMap((d) => [silverLabel(d), quarantineLabel(d)]), 220, silvers.map((d) => `${datasetKey(d.id)} (deprecated)`));
  const goldWidth = widthOf(golds.map(goldLabel), 220, golds.map((g) => `${datasetKey(g.id)} (deprecated)`));
  const x = { bronze: MARGIN, silver: MARGIN + bronzeWidth + COLUMN_GAP, gold: MARGIN + bronzeWidth + COLUMN_GAP + silverWidth + COLUMN_GAP };

  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  const byId = new Map<string, LineageNode>();
  const add = (box: Omit<LineageNode, 'labelDy' | 'subDy'>) => {
    const n = { ...box, labelDy: box.height === QUARANTINE_HEIGHT ? 13 : 18, subDy: box.height === QUARANTINE_HEIGHT ? 25 : 34 };
    nodes.push(n);
    byId.set(n.id, n);
  };

  let y = TOP;
  const groups = new Map<string, typeof silvers>();
  for (const d of silvers) groups.set(`${d.id.domain}.${d.id.name}`, [...(groups.get(`${d.id.domain}.${d.id.name}`) ?? []), d]);
  for (const [name, versions] of groups) {
    const top = y;
    for (const d of versions) {
      const page = datasetPagePath(d.id);
      add({ id: `silver:${datasetKey(d.id)}`, layer: 'silver', label: silverLabel(d), sublabel: `${datasetKey(d.id)}${d.deprecated ? ' (deprecated)' : ''}`, href: `${page}#${d.id.schemaV}`, deprecated: !!d.deprecated, x: x.silver, y, width: silverWidth, height: NODE_HEIGHT });
      y += NODE_HEIGHT + 6;
      add({ id: `quarantine:${datasetKey(d.id)}`, layer: 'quarantine', label: quarantineLabel(d), sublabel: 'quarantine and _condemned', href: `${page}#${d.id.schemaV}-quarantine`, deprecated: !!d.deprecated, x: x.silver, y, width: silverWidth, height: QUARANTINE_HEIGHT });
      y += QUARANTINE_HEIGHT + GAP;
    }
    const bottom = y - GAP;
    const first = versions[0]!;
    add({ id: `bronze:${name}`, layer: 'bronze', label: name, sublabel: `bronze/${first.id.domain}/${first.id.name}/`, href: datasetPagePath(first.id), deprecated: false, x: x.bronze, y: Math.round((top + bottom) / 2 - NODE_HEIGHT / 2), width: bronzeWidth, height: NODE_HEIGHT });
    for (const d of versions) {
      edges.push(edge(byId.get(`bronze:${name}`)!, byId.get(`silver:${datasetKey(d.id)}`)!, 'flow'));
      edges.push(edge(byId.get(`bronze:${name}`)!, byId.get(`quarantine:${datasetKey(d.id)}`)!, 'rejected'));
    }
    y += GAP;
  }

  // Gold boxes beside their source, in the order of their sources, never overlapping.
  const placed = golds
    .map((g) => ({ g, source: byId.get(`silver:${datasetKey(g.from)}`) }))
    .sort((a, b) => (a.source?.y ?? 0) - (b.source?.y ?? 0) || compareStrings(datasetKey(a.g.id), datasetKey(b.g.id)));
  let goldY = TOP;
  for (const { g, source } of placed) {
    const wanted = source ? source.y : goldY;
    const top = Math.max(goldY, wanted);
    add({ id: `gold:${datasetKey(g.id)}`, layer: 'gold', label: goldLabel(g), sublabel: `${datasetKey(g.id)}${g.deprecated ? ' (deprecated)' : ''}`, href: `${datasetPagePath(g.id)}#${g.id.schemaV}`, deprecated: !!g.deprecated, x: x.gold, y: top, width: goldWidth, height: NODE_HEIGHT });
    goldY = top + NODE_HEIGHT + GAP;
    if (source) edges.push(edge(source, byId.get(`gold:${datasetKey(g.id)}`)!, 'flow'));
  }

  const height = Math.max(y, goldY) + MARGIN;
  const width = golds.length ? x.gold + goldWidth + MARGIN : x.silver + silverWidth + MARGIN;
  const columns = [
    { label: 'Bronze (raw deliveries)', x: x.bronze },
    { label: 'Silver (validated) and quarantine', x: x.silver },
    ...(golds.length ? [{ label: 'Gold (for finance)', x: x.gold }] : []),
  ];
  return { width, height, nodes, edges, columns };
}

function edge(a: LineageNode, b: LineageNode, kind: LineageEdge['kind']): LineageEdge {
  const x1 = a.x + a.width;
  const y1 = a.y + a.height / 2;
  const x2 = b.x;
  const y2 = b.y + b.height / 2;
  const mid = (x1 + x2) / 2;
  return { from: a.id, to: b.id, path: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`, kind };
}
