/**
 * The import graph of a source tree, read with TypeScript's own parser: every `import` (type-only
 * too), `export … from`, `import x = require(…)`, `require(…)`, `import(…)` and `import('…').T`
 * type, with its line. The layering and architecture tests build it from the repository, and their
 * controls from small trees in a temporary folder.
 *
 * Paths are relative to the tree's root, with `/` as separator. A file's unit is its folder as the
 * layers name it: `core/<concern>` and `platforms/<platform>` below the two split folders, a file
 * directly in one of them by its own path (`core/index.ts`), the first folder elsewhere (`cli`
 * for `cli/format/json.ts`), and a file at the root by its name (`main.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** Folders whose subfolders are units of their own. */
export const SPLIT_FOLDERS = ['core', 'platforms'];

export interface ImportRef {
  readonly specifier: string;
  /** 1-based line of the specifier. */
  readonly line: number;
}

export interface ImportEdge extends ImportRef {
  readonly from: string;
  readonly to: string;
}

export interface ImportGraph {
  /** The source files, sorted. */
  readonly files: readonly string[];
  /** Every import of a source file that resolves to a source file. */
  readonly edges: readonly ImportEdge[];
  /** Relative imports that resolve to no file at all (a typo, or a resolver gap of this helper). */
  readonly unresolved: readonly ImportEdge[];
}

const SOURCE = /\.(?:ts|tsx|js|mjs|cjs)$/;

/** The source files below `dirs` and the files `files` (relative to `root`), without declarations. */
export function sourceFiles(root: string, dirs: readonly string[], files: readonly string[] = []): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) return walk(rel);
      return SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
    });
  return [...dirs.filter((d) => fs.existsSync(path.join(root, d))).flatMap(walk), ...files.filter((f) => fs.existsSync(path.join(root, f)))].sort();
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  return /\.[mc]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

/** Every module specifier `text` names, from its syntax tree (string literals only: a computed one names no file). */
export function importsOf(text: string, fileName = 'file.ts'): ImportRef[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const found: ImportRef[] = [];
  const add = (node: ts.Node | undefined) => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
      found.push({ specifier: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * The file a relative specifier of `from` names, as Node.js and TypeScript resolve it: the path
 * itself, with .ts/.tsx/.js/.mjs/.cjs/.json/.d.ts added, or the folder's index; undefined for a
 * package (no relative path) and null for a relative path that names no file.
 */
export function resolveSpecifier(root: string, from: string, specifier: string): string | undefined | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const exts = ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'];
  const isFile = (p: string) => fs.existsSync(path.join(root, p)) && fs.statSync(path.join(root, p)).isFile();
  // A compiled-style specifier (`./x.js`) names the TypeScript source beside it.
  const candidates = [base, ...exts.map((e) => base + e), ...(/\.js$/.test(base) ? [base.replace(/\.js$/, '.ts')] : []), ...exts.map((e) => `${base}/index${e}`)];
  const hit = candidates.find(isFile);
  if (hit === undefined) return null;
  // A declaration file describes the JavaScript module beside it: that module is the node.
  if (hit.endsWith('.d.ts')) {
    const js = hit.replace(/\.d\.ts$/, '.js');
    return isFile(js) ? js : hit;
  }
  return hit;
}

/** The import graph of the given source files (paths relative to `root`). */
export function importGraph(root: string, files: readonly string[]): ImportGraph {
  const set = new Set(files);
  const edges: ImportEdge[] = [];
  const unresolved: ImportEdge[] = [];
  for (const from of files) {
    for (const ref of importsOf(fs.readFileSync(path.join(root, from), 'utf8'), from)) {
      const to = resolveSpecifier(root, from, ref.specifier);
      if (to === null) unresolved.push({ ...ref, from, to: '' });
      else if (to !== undefined && set.has(to)) edges.push({ ...ref, from, to });
    }
  }
  return { files: [...files].sort(), edges, unresolved };
}

/** The unit (folder) a file belongs to; see the module comment. */
export function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return file;
  if (SPLIT_FOLDERS.includes(parts[0]!)) return parts.slice(0, 2).join('/');
  return parts[0]!;
}

/** The folder-level imports: `a -> b` for every import of a file of unit a from a file of another unit b. */
export function unitEdges(graph: ImportGraph): Map<string, ImportEdge[]> {
  const out = new Map<string, ImportEdge[]>();
  for (const e of graph.edges) {
    const a = unitOf(e.from);
    const b = unitOf(e.to);
    if (a === b) continue;
    const key = `${a} -> ${b}`;
    out.set(key, [...(out.get(key) ?? []), e]);
  }
  return new Map([...out].sort(([x], [y]) => x.localeCompare(y)));
}

/**
 * Layers from the bottom, each a list of units; `platforms/*` stands for every unit below
 * platforms/. A module may import modules of its own layer and of the layers below it.
 */
export type Layers = ReadonlyArray<{ readonly name: string; readonly units: readonly string[] }>;

/** The index of the layer that holds `unit`, or -1. */
export function layerOf(layers: Layers, unit: string): number {
  return layers.findIndex((l) => l.units.some((u) => u === unit || (u.endsWith('/*') && unit.startsWith(u.slice(0, -1)))));
}

export interface LayerViolation extends ImportEdge {
  readonly fromUnit: string;
  readonly toUnit: string;
  readonly fromLayer: string;
  readonly toLayer: string;
}

/** The units of the graph that no layer holds, each with one of its files. */
export function unplacedUnits(graph: ImportGraph, layers: Layers): string[] {
  const seen = new Map<string, string>();
  for (const f of graph.files) if (layerOf(layers, unitOf(f)) < 0 && !seen.has(unitOf(f))) seen.set(unitOf(f), f);
  return [...seen].map(([unit, file]) => `${unit} (${file}) is in no layer`);
}

/** Every import that points up: from a module to a module of a higher layer. */
export function upwardImports(graph: ImportGraph, layers: Layers): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const e of graph.edges) {
    const fromUnit = unitOf(e.from);
    const toUnit = unitOf(e.to);
    const a = layerOf(layers, fromUnit);
    const b = layerOf(layers, toUnit);
    if (a >= 0 && b >= 0 && b > a) out.push({ ...e, fromUnit, toUnit, fromLayer: layers[a]!.name, toLayer: layers[b]!.name });
  }
  return out;
}

/** `file:line imports 'specifier' (target): unit (layer) -> unit (layer), an arrow up`. */
export function describeViolation(v: LayerViolation): string {
  return `${v.from}:${v.line} imports '${v.specifier}' (${v.to}): ${v.fromUnit} (layer ${v.fromLayer}) -> ${v.toUnit} (layer ${v.toLayer}), an arrow up`;
}

/**
 * The import cycles: one per strongly connected component of the file graph (Tarjan), each as a
 * shortest chain of files from the component's first file (by name) back to it, e.g.
 * `a.ts -> b.ts -> a.ts`. A file that imports itself is a cycle too.
 */
export function importCycles(graph: ImportGraph): Array<{ readonly files: readonly string[]; readonly chain: readonly string[] }> {
  const adj = new Map<string, string[]>(graph.files.map((f) => [f, []]));
  for (const e of graph.edges) if (!adj.get(e.from)!.includes(e.to)) adj.get(e.from)!.push(e.to);
  for (const list of adj.values()) list.sort();
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  // Iterative Tarjan: no recursion limit on a long chain of imports.
  for (const start of graph.files) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const succ = adj.get(top.node)!;
      if (top.next < succ.length) {
        const w = succ[top.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const c: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          c.push(w);
        } while (w !== top.node);
        if (c.length > 1 || adj.get(top.node)!.includes(top.node)) components.push(c.sort());
      }
    }
  }
  return components
    .sort((a, b) => a[0]!.localeCompare(b[0]!))
    .map((files) => {
      const first = files[0]!;
      const inside = new Set(files);
      // Breadth-first from the first file back to it, inside the component: a shortest cycle.
      const prev = new Map<string, string>();
      const queue = [first];
      let end: string | undefined;
      while (queue.length > 0 && end === undefined) {
        const v = queue.shift()!;
        for (const w of adj.get(v)!) {
          if (!inside.has(w)) continue;
          if (w === first) {
            end = v;
            break;
          }
          if (!prev.has(w)) {
            prev.set(w, v);
            queue.push(w);
          }
        }
      }
      const chain = [first];
      for (let v = end!; v !== first; v = prev.get(v)!) chain.splice(1, 0, v);
      chain.push(first);
      return { files, chain };
    });
}

/** A cycle as `a.ts:3 '../b' -> b.ts:9 './a' -> a.ts`: each file with the line and specifier of its import of the next one. */
export function describeCycle(graph: ImportGraph, chain: readonly string[]): string {
  const steps = chain.slice(0, -1).map((file, i) => {
    const e = graph.edges.find((x) => x.from === file && x.to === chain[i + 1])!;
    return `${file}:${e.line} '${e.specifier}'`;
  });
  return `${[...steps, chain[chain.length - 1]].join(' -> ')}`;
}
