/**
 * docs/architecture.md's Mermaid flowchart of folder-level imports, read and compared with the
 * code: each node is a unit (`id["core/base"]`), each layer a subgraph titled with the layer's name,
 * each edge `importer --> imported`, dotted (`-.->`) when it points up a layer. Only this subset of
 * Mermaid is read; any other line is reported, so no arrow can hide in a form the reader skips.
 */
import { layerOf, unitEdges, unitOf, type ImportGraph, type Layers } from './imports';

export interface Diagram {
  /** Node id -> label (the unit). */
  readonly nodes: ReadonlyMap<string, string>;
  /** Node id -> title of the subgraph it is declared in. */
  readonly subgraphOf: ReadonlyMap<string, string>;
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string; readonly dotted: boolean; readonly line: number }>;
  /** Lines not understood, and edges between undeclared nodes. */
  readonly errors: readonly string[];
}

/** The text of the first ```mermaid block after the heading `heading` in `markdown`. */
export function mermaidBlockAfter(markdown: string, heading: string): string {
  const at = markdown.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`no heading "${heading}"`);
  const block = /```mermaid\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!block) throw new Error(`no mermaid block after "${heading}"`);
  return block[1]!;
}

const ID = '[A-Za-z_][A-Za-z0-9_]*';
const NODE = new RegExp(`^(${ID})\\["([^"]+)"\\]$`);
const EDGE = new RegExp(`^(${ID})\\s+(-->|-\\.->)\\s+(${ID})$`);
const SUBGRAPH = new RegExp(`^subgraph\\s+${ID}\\["([^"]+)"\\]$`);

export function parseDiagram(text: string): Diagram {
  const nodes = new Map<string, string>();
  const subgraphOf = new Map<string, string>();
  const edges: Array<{ from: string; to: string; dotted: boolean; line: number }> = [];
  const errors: string[] = [];
  const open: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('%%') || /^flowchart (TB|TD|BT|LR|RL)$/.test(line) || /^direction (TB|TD|BT|LR|RL)$/.test(line)) return;
    let m: RegExpExecArray | null;
    if ((m = SUBGRAPH.exec(line))) open.push(m[1]!);
    else if (line === 'end' && open.length > 0) open.pop();
    else if ((m = NODE.exec(line))) {
      nodes.set(m[1]!, m[2]!);
      if (open.length > 0) subgraphOf.set(m[1]!, open[open.length - 1]!);
    } else if ((m = EDGE.exec(line))) edges.push({ from: m[1]!, to: m[3]!, dotted: m[2] === '-.->', line: i + 1 });
    else errors.push(`diagram line ${i + 1} not understood: ${line}`);
  });
  for (const e of edges) {
    for (const id of [e.from, e.to]) if (!nodes.has(id)) errors.push(`diagram line ${e.line}: ${id} is no declared node`);
  }
  return { nodes, subgraphOf, edges, errors };
}

/**
 * Every difference between the diagram and the code, one line each: arrows drawn without an
 * import, imports without an arrow, the wrong arrow style, folders without a node or nodes
 * without a folder, and nodes drawn in another layer than `layers` gives them.
 */
export function diagramDrift(diagram: Diagram, graph: ImportGraph, layers: Layers): string[] {
  const out = [...diagram.errors];
  const label = (id: string) => diagram.nodes.get(id) ?? id;
  const units = new Set(graph.files.map(unitOf));
  const drawnUnits = new Set(diagram.nodes.values());
  for (const u of [...units].sort()) if (!drawnUnits.has(u)) out.push(`${u} has sources but no node in the diagram`);
  for (const u of [...drawnUnits].sort()) if (!units.has(u)) out.push(`the node ${u} names no folder of the sources`);
  for (const [id, title] of diagram.subgraphOf) {
    const at = layerOf(layers, label(id));
    if (at >= 0 && layers[at]!.name !== title) out.push(`${label(id)} is drawn in the layer "${title}", but its layer is "${layers[at]!.name}"`);
  }
  const real = unitEdges(graph);
  const idOf = new Map([...diagram.nodes].map(([id, unit]) => [unit, id]));
  const declared = diagram.edges.filter((e) => diagram.nodes.has(e.from) && diagram.nodes.has(e.to));
  const drawn = new Map(declared.map((e) => [`${label(e.from)} -> ${label(e.to)}`, e]));
  const up = (key: string) => {
    const [a, b] = key.split(' -> ') as [string, string];
    return layerOf(layers, b) > layerOf(layers, a);
  };
  for (const [key, imports] of real) {
    const e = imports[0]!;
    if (drawn.has(key)) continue;
    const [a, b] = key.split(' -> ').map((u) => idOf.get(u)) as [string | undefined, string | undefined];
    const hint = a !== undefined && b !== undefined ? `: add \`${a} ${up(key) ? '-.->' : '-->'} ${b}\`` : '';
    out.push(`${key} is an import in the code (${e.from}:${e.line} '${e.specifier}') but no arrow in the diagram${hint}`);
  }
  for (const [key, e] of drawn) {
    if (!real.has(key)) out.push(`${key} is an arrow in the diagram (line ${e.line}) but no module of ${key.split(' -> ')[0]} imports ${key.split(' -> ')[1]}`);
    else if (up(key) && !e.dotted) out.push(`${key} points up a layer: draw it dotted (-.->), line ${e.line}`);
    else if (!up(key) && e.dotted) out.push(`${key} does not point up a layer: draw it solid (-->), line ${e.line}`);
  }
  return out;
}
