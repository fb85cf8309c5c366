/**
 * The layering of the sources, checked on their imports:
 * - the core (core/, bootstrap/, the platforms' cdktf-free parts) and the CLI never import cdktf,
 *   constructs or a provider: validate stays fast and the domain stays free of the deprecated
 *   framework, which lives behind constructs/, stacks/ and the platforms' constructs only;
 * - imports point down the layers (LAYERS, drawn in docs/architecture.md), the core imports nothing
 *   outside core/, and no import cycle exists, type-only imports included;
 * - docs/architecture.md is the code's: its layer table is LAYERS, its Mermaid diagram has an arrow
 *   for every folder-level import and an import for every arrow, and the paths it names exist;
 * Imports are read with TypeScript's parser (__tests__/helpers/imports.ts); the controls run the
 * same checks on small trees planted in a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { describeCycle, describeViolation, importCycles, importGraph, importsOf, resolveSpecifier, sourceFiles, unitOf, unplacedUnits, upwardImports, type ImportGraph, type Layers } from './helpers/imports';
import { diagramDrift, mermaidBlockAfter, parseDiagram } from './helpers/architecture-diagram';

const root = path.resolve(__dirname, '..');
/** A specifier of cdktf, constructs or a provider binding. */
const FRAMEWORK = /^(?:cdktf|constructs|@cdktf\/.*)$/;
/** The framework imports of a text, by TypeScript's parser (a side-effect `import 'cdktf'` included). */
const frameworkImports = (text: string, file = 'x.ts') => importsOf(text, file).filter((r) => FRAMEWORK.test(r.specifier));

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('layering', () => {
  it.each(['core', 'bootstrap', 'cli', 'bin'])('%s/ imports no cdktf, constructs or provider', (dir) => {
    const offenders = sources(dir).flatMap((f) => frameworkImports(fs.readFileSync(path.join(root, f), 'utf8'), f).map((r) => `${f}:${r.line} imports '${r.specifier}'`));
    expect(offenders).toEqual([]);
  });

  it('the check itself recognizes such an import (control)', () => {
    const found = (text: string) => frameworkImports(text).map((r) => r.specifier);
    expect(found("import { App } from 'cdktf';")).toEqual(['cdktf']);
    expect(found("const x = require('@cdktf/provider-vsphere/lib/tag');")).toEqual(['@cdktf/provider-vsphere/lib/tag']);
    expect(found("import { Instance } from '@cdktf/provider-aws/lib/instance';")).toEqual(['@cdktf/provider-aws/lib/instance']);
    expect(found("import type { Construct } from 'constructs';\nimport 'cdktf';\nexport * from '@cdktf/provider-aws';")).toEqual(['constructs', 'cdktf', '@cdktf/provider-aws']);
    // The shared constructs folder, a relative path, is no framework import.
    expect(found("import { UmsHaTags } from '../constructs/tags';")).toEqual([]);
  });

  it('constructs/ and stacks/ reach the domain only through the core (no YAML, no file reading)', () => {
    const offenders = [...sources('constructs'), ...sources('stacks'), ...sources('platforms')].flatMap((f) =>
      importsOf(fs.readFileSync(path.join(root, f), 'utf8'), f)
        .filter((r) => /^(?:yaml|js-yaml|(?:node:)?fs(?:\/promises)?)$/.test(r.specifier))
        .map((r) => `${f}:${r.line} imports '${r.specifier}'`),
    );
    expect(offenders).toEqual([]);
  });

  it('only platforms/aws/ imports the AWS bindings, and its registry entry loads that stack on demand', () => {
    const offenders = [...sources('constructs'), ...sources('stacks'), ...sources('platforms')]
      .filter((f) => !f.startsWith(path.join('platforms', 'aws')))
      .flatMap((f) =>
        importsOf(fs.readFileSync(path.join(root, f), 'utf8'), f)
          // platforms/index.ts registers the AWS entry (cdktf-free; it loads its stack on demand).
          .filter((r) => !(f === path.join('platforms', 'index.ts') && resolveSpecifier(root, f, r.specifier) === 'platforms/aws/index.ts'))
          .filter((r) => /^@cdktf\/provider-aws(?:\/|$)/.test(r.specifier) || (resolveSpecifier(root, f, r.specifier) ?? '').startsWith('platforms/aws/'))
          .map((r) => `${f}:${r.line} imports '${r.specifier}'`),
      );
    expect(offenders).toEqual([]);
    const main = fs.readFileSync(path.join(root, 'main.ts'), 'utf8');
    expect(main).not.toMatch(/^import (?!type ).*platforms\/[a-z]+\/stack['"]/m); // types only: erased
    const entry = fs.readFileSync(path.join(root, 'platforms', 'aws', 'index.ts'), 'utf8');
    expect(entry).not.toMatch(/^import .*['"]\.\/(stack|constructs)/m);
    expect(entry).toMatch(/require\('\.\/stack'\)/);
  });
});

/**
 * The layers, from the bottom. A module imports modules of its own layer and of the layers below
 * it, never above. Inside the core: base (findings, JSON pointers, shell quoting) -> document (the
 * file, its reading, the schema) -> model (the resolved topology, resolution, addresses) -> rules
 * and network (the rule catalog; the firewall matrix) -> reader (the validation pipeline) -> the
 * outputs, for people (reports) and for machines (configs) -> the core's package entry. Then the
 * bootstrap, then the cdktf pieces (shared constructs and stacks, one folder per platform), then
 * the entries (the cdktf app, the CLI, the package root). docs/architecture.md draws the same.
 */
const LAYERS: Layers = [
  { name: 'core: base', units: ['core/base'] },
  { name: 'core: document', units: ['core/document'] },
  { name: 'core: model', units: ['core/model', 'core/platform'] },
  { name: 'core: rules and network', units: ['core/rules', 'core/network'] },
  { name: 'core: reader', units: ['core/reader'] },
  { name: 'core: outputs', units: ['core/reports', 'core/configs'] },
  { name: 'core: entry', units: ['core/index.ts'] },
  { name: 'bootstrap', units: ['bootstrap'] },
  { name: 'cdktf', units: ['constructs', 'stacks', 'platforms/*'] },
  { name: 'entries', units: ['app', 'main.ts', 'cli', 'bin', 'index.ts', 'core-entry.ts'] },
];

/**
 * KNOWN: upward imports that are tolerated for now (importer -> imported file). Empty: every arrow
 * points down. The test fails on any upward import not listed here and on any listed one that is
 * gone, so an entry can only be a named, temporary exception on the way to removing it.
 */
const KNOWN_UPWARD: readonly string[] = [];

/** KNOWN: tolerated import cycles, each by its files (sorted); empty, and the same rule as KNOWN_UPWARD. */
const KNOWN_CYCLES: ReadonlyArray<readonly string[]> = [];

/** The sources: tsconfig.json's `include` (a folder as `<folder>/**` + `/*`, or a file) and bin/. */
function sourceRoots(): { dirs: string[]; files: string[] } {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config as { include: string[] };
  const dirs = config.include.filter((p) => p.endsWith('/**/*')).map((p) => p.slice(0, -'/**/*'.length));
  const files = config.include.filter((p) => !p.includes('*'));
  return { dirs: [...dirs, 'bin'], files };
}

/** Found items (key -> message) against a KNOWN list: the unexpected ones, and the listed ones that are gone. */
function againstKnown(found: ReadonlyMap<string, string>, known: readonly string[]): { unexpected: string[]; gone: string[] } {
  return {
    unexpected: [...found].filter(([key]) => !known.includes(key)).map(([, message]) => message),
    gone: known.filter((key) => !found.has(key)).map((key) => `${key} is listed as known but is no longer in the code: remove it from the list`),
  };
}

/** The upward imports by `importer -> imported`, each with its description (every line of it). */
function upwardByKey(graph: ImportGraph, layers: Layers): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of upwardImports(graph, layers)) {
    const key = `${v.from} -> ${v.to}`;
    out.set(key, out.has(key) ? `${out.get(key)}; ${describeViolation(v)}` : describeViolation(v));
  }
  return out;
}

/** The imports from a module of core/ to a module outside it, by `importer -> imported`. */
function outOfCoreByKey(graph: ImportGraph): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of graph.edges.filter((x) => x.from.startsWith('core/') && !x.to.startsWith('core/'))) {
    out.set(`${e.from} -> ${e.to}`, `${e.from}:${e.line} imports '${e.specifier}' (${e.to}): the core imports ${unitOf(e.to)}`);
  }
  return out;
}

function cyclesByKey(graph: ImportGraph): Map<string, string> {
  return new Map(importCycles(graph).map((c) => [c.files.join(' '), `import cycle: ${describeCycle(graph, c.chain)}`]));
}

describe('imports point down the layers, and no import cycle', () => {
  const { dirs, files } = sourceRoots();
  const graph = importGraph(root, sourceFiles(root, dirs, files));

  it('the sources are the folders and files of tsconfig.json and bin/, each folder with its sources', () => {
    expect(dirs).toEqual(expect.arrayContaining(['core', 'bootstrap', 'platforms', 'constructs', 'stacks', 'app', 'cli', 'bin']));
    expect(files).toEqual(expect.arrayContaining(['main.ts', 'index.ts']));
    for (const dir of dirs) expect(graph.files.some((f) => f.startsWith(`${dir}/`)) ? dir : `${dir}/ has no source file`).toBe(dir);
  });

  it('every relative import names a file (the build output dist/ aside)', () => {
    expect(graph.unresolved.filter((e) => !/^(\.\.\/)+dist\//.test(e.specifier)).map((e) => `${e.from}:${e.line} '${e.specifier}' names no file`)).toEqual([]);
  });

  it('every folder of the sources has its layer', () => {
    expect(unplacedUnits(graph, LAYERS).map((u) => `${u}: place it in LAYERS (__tests__/layering.test.ts) and in docs/architecture.md`)).toEqual([]);
  });

  it('no import points up a layer, but the known ones', () => {
    expect(againstKnown(upwardByKey(graph, LAYERS), KNOWN_UPWARD).unexpected).toEqual([]);
  });

  it('no module of core/ imports bootstrap/, constructs/, stacks/, platforms/, app/ or cli/, but the known ones', () => {
    expect(againstKnown(outOfCoreByKey(graph), KNOWN_UPWARD).unexpected).toEqual([]);
  });

  it('every known upward import is still there (the list only shrinks)', () => {
    expect(againstKnown(upwardByKey(graph, LAYERS), KNOWN_UPWARD).gone).toEqual([]);
  });

  it('no import cycle, type-only imports included, but the known ones, which are all still there', () => {
    const found = cyclesByKey(graph);
    const known = againstKnown(found, KNOWN_CYCLES.map((c) => [...c].sort().join(' ')));
    expect(known.unexpected).toEqual([]);
    expect(known.gone).toEqual([]);
  });
});

describe('the checks themselves (controls, on trees planted in a temporary folder)', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-layering-'));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
  let n = 0;
  /** A tree of the given files (path -> text); its graph over every folder and file in it. */
  function plant(tree: Record<string, string>): ImportGraph {
    const dir = path.join(base, `t${n++}`);
    for (const [file, text] of Object.entries(tree)) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const top = fs.readdirSync(dir, { withFileTypes: true });
    return importGraph(dir, sourceFiles(dir, top.filter((e) => e.isDirectory()).map((e) => e.name), top.filter((e) => e.isFile()).map((e) => e.name)));
  }
  /** A clean tree: every import points down or sideways. */
  const clean = {
    'core/base/findings.ts': 'export const F = 1;\n',
    'core/model/model.ts': "import { F } from '../base/findings';\nexport const M = F;\n",
    'core/rules/a.ts': "import { M } from '../model/model';\nimport { N } from '../network/matrix';\nexport const A = M + N;\n",
    'core/network/matrix.ts': "import type { M } from '../model/model';\nexport const N = 2;\n",
    'bootstrap/cloud-init.ts': "export { N } from '../core/network/matrix';\n",
    'platforms/aws/stack.ts': "import '../../bootstrap/cloud-init';\nimport '../../constructs/x';\n",
    'constructs/x.ts': "export const X = require('../core/rules/a');\n",
    'main.ts': "import('./platforms/aws/stack');\n",
  };

  it('the parser finds every form of import, with its line', () => {
    const text = [
      "import a from './a';",
      "import type { B } from './b';",
      "export * from './c';",
      "export type { D } from './d';",
      "import e = require('./e');",
      "function f() { return require('./f'); }",
      "const g = () => import('./g');",
      "type H = import('./h').H;",
      'const i = require(`./i`);',
      "export type * from './j';",
      "import './k';",
      "const notAnImport = 'require(\"./l\")'; // in a string: no import",
      "// import m from './m';",
      'require(someVariable);',
    ].join('\n');
    expect(importsOf(text, 'x.ts')).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', './i', './j', './k'].map((specifier, i) => ({ specifier, line: i + 1 })));
    expect(importsOf("const fs = require('node:fs');\nmodule.exports = require('../dist/x.js');\n", 'x.js').map((r) => r.specifier)).toEqual(['node:fs', '../dist/x.js']);
  });

  it('a clean tree has no upward import and no cycle', () => {
    const g = plant(clean);
    expect(g.edges).toHaveLength(9);
    expect(unplacedUnits(g, LAYERS)).toEqual([]);
    expect(upwardImports(g, LAYERS)).toEqual([]);
    expect(importCycles(g)).toEqual([]);
  });

  it('an upward import fails, named by file, line, specifier and both layers', () => {
    const g = plant({
      ...clean,
      'core/reader/validate.ts': "import { A } from '../rules/a';\nexport const V = A;\n",
      'core/model/model.ts': "import { F } from '../base/findings';\nimport type { V } from '../reader/validate';\nexport const M = F;\n",
      'core/network/matrix.ts': "export const N = 2;\nconst later = () => require('../../platforms/aws/stack');\n",
    });
    expect([...upwardByKey(g, LAYERS).values()]).toEqual([
      "core/model/model.ts:2 imports '../reader/validate' (core/reader/validate.ts): core/model (layer core: model) -> core/reader (layer core: reader), an arrow up",
      "core/network/matrix.ts:2 imports '../../platforms/aws/stack' (platforms/aws/stack.ts): core/network (layer core: rules and network) -> platforms/aws (layer cdktf), an arrow up",
    ]);
    expect([...outOfCoreByKey(g).values()]).toEqual(["core/network/matrix.ts:2 imports '../../platforms/aws/stack' (platforms/aws/stack.ts): the core imports platforms/aws"]);
    // Against a KNOWN list: the listed one passes, the other fails, and a listed one that is gone fails too.
    expect(againstKnown(upwardByKey(g, LAYERS), ['core/model/model.ts -> core/reader/validate.ts', 'core/rules/a.ts -> bootstrap/cloud-init.ts'])).toEqual({
      unexpected: ["core/network/matrix.ts:2 imports '../../platforms/aws/stack' (platforms/aws/stack.ts): core/network (layer core: rules and network) -> platforms/aws (layer cdktf), an arrow up"],
      gone: ['core/rules/a.ts -> bootstrap/cloud-init.ts is listed as known but is no longer in the code: remove it from the list'],
    });
  });

  it('a folder in no layer fails, named with one of its files', () => {
    const g = plant({ ...clean, 'core/plugins/registry.ts': "export const R = 1;\n", 'registry/index.ts': "export const R = 1;\n" });
    expect(unplacedUnits(g, LAYERS)).toEqual(['core/plugins (core/plugins/registry.ts) is in no layer', 'registry (registry/index.ts) is in no layer']);
    // A new platform is in the platforms' layer without a change to LAYERS.
    expect(unplacedUnits(plant({ ...clean, 'platforms/azure/stack.ts': "import '../../constructs/x';\n", 'platforms/index.ts': "export * from './azure/stack';\n" }), LAYERS)).toEqual([]);
  });

  it('a cycle fails, named as a chain of files, type-only imports included', () => {
    const g = plant({
      ...clean,
      'core/reports/update.ts': "import { planChange } from './change-plan';\nexport const planUpdate = () => planChange;\n",
      'core/reports/change-plan.ts': "import type { Step } from './steps';\nexport const planChange = 1;\n",
      'core/reports/steps.ts': "\n\nimport type { planUpdate } from './update';\nexport type Step = typeof planUpdate;\n",
      'cli/self.ts': "export const x = 1;\nexport * from './self';\n",
    });
    expect([...cyclesByKey(g).values()]).toEqual([
      "import cycle: cli/self.ts:2 './self' -> cli/self.ts",
      "import cycle: core/reports/change-plan.ts:1 './steps' -> core/reports/steps.ts:3 './update' -> core/reports/update.ts:1 './change-plan' -> core/reports/change-plan.ts",
    ]);
    expect(againstKnown(cyclesByKey(g), ['core/reports/change-plan.ts core/reports/steps.ts core/reports/update.ts']).unexpected).toEqual(["import cycle: cli/self.ts:2 './self' -> cli/self.ts"]);
  });
  it('the diagram check passes a diagram of the tree, and names a missing arrow, an extra arrow, a wrong style, a misplaced node and a line it cannot read', () => {
    const g = plant({ ...clean, 'core/model/up.ts': "import '../../bootstrap/cloud-init';\n" });
    const diagram = [
      'flowchart TB',
      '  subgraph E["entries"]',
      '    main["main.ts"]',
      '  end',
      '  subgraph C["cdktf"]',
      '    aws["platforms/aws"]',
      '    constructs["constructs"]',
      '  end',
      '  subgraph B["bootstrap"]',
      '    bootstrap["bootstrap"]',
      '  end',
      '  subgraph R["core: rules and network"]',
      '    rules["core/rules"]',
      '    network["core/network"]',
      '  end',
      '  subgraph M["core: model"]',
      '    model["core/model"]',
      '  end',
      '  subgraph Z["core: base"]',
      '    base["core/base"]',
      '  end',
      '  %% the importer above, the imported folder below',
      '  main --> aws',
      '  aws --> bootstrap',
      '  aws --> constructs',
      '  constructs --> rules',
      '  bootstrap --> network',
      '  rules --> model',
      '  rules --> network',
      '  network --> model',
      '  model -.-> bootstrap',
      '  model --> base',
      '',
    ].join('\n');
    expect(diagramDrift(parseDiagram(diagram), g, LAYERS)).toEqual([]);
    const lineOf = (text: string, line: string) => text.split('\n').indexOf(line) + 1;
    const edited = diagram
      .replace('  network --> model\n', '')
      .replace('  model -.-> bootstrap\n', '  model --> bootstrap\n')
      .replace('  model --> base\n', '  model -.-> base\n  base --> main\n  model ==> rules\n')
      .replace('    network["core/network"]\n', '')
      .replace('    model["core/model"]\n', '    model["core/model"]\n    network["core/network"]\n');
    expect(diagramDrift(parseDiagram(edited), g, LAYERS)).toEqual([
      `diagram line ${lineOf(edited, '  model ==> rules')} not understood: model ==> rules`,
      'core/network is drawn in the layer "core: model", but its layer is "core: rules and network"',
      "core/network -> core/model is an import in the code (core/network/matrix.ts:1 '../model/model') but no arrow in the diagram: add `network --> model`",
      `core/model -> bootstrap points up a layer: draw it dotted (-.->), line ${lineOf(edited, '  model --> bootstrap')}`,
      `core/model -> core/base does not point up a layer: draw it solid (-->), line ${lineOf(edited, '  model -.-> base')}`,
      `core/base -> main.ts is an arrow in the diagram (line ${lineOf(edited, '  base --> main')}) but no module of core/base imports main.ts`,
    ]);
    const renamed = diagram.replace('    main["main.ts"]\n', '    main["main"]\n').replace('  model --> base\n', '  model --> base\n  model --> nowhere\n');
    expect(diagramDrift(parseDiagram(renamed), g, LAYERS)).toEqual([
      `diagram line ${lineOf(renamed, '  model --> nowhere')}: nowhere is no declared node`,
      'main.ts has sources but no node in the diagram',
      'the node main names no folder of the sources',
      "main.ts -> platforms/aws is an import in the code (main.ts:1 './platforms/aws/stack') but no arrow in the diagram",
      `main -> platforms/aws is an arrow in the diagram (line ${lineOf(renamed, '  main --> aws')}) but no module of main imports platforms/aws`,
    ]);
  });
});

describe('docs/architecture.md is the map of the code', () => {
  const { dirs, files } = sourceRoots();
  const graph = importGraph(root, sourceFiles(root, dirs, files));
  const doc = fs.readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
  const diagramText = mermaidBlockAfter(doc, '## Folders and their imports');
  /** The lines of a section: from its heading to the next heading of its level or above. */
  const section = (markdown: string, heading: string) => {
    const level = heading.indexOf(' ');
    const lines = markdown.split('\n');
    const start = lines.indexOf(heading);
    if (start < 0) throw new Error(`no heading "${heading}"`);
    const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}} `).test(l));
    return lines.slice(start + 1, end < 0 ? undefined : end);
  };

  it('its layer table is LAYERS, in order', () => {
    const rows = section(doc, '## Layers')
      .map((l) => /^\| (\d+) \| ([^|]*) \|/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(rows.map((m) => Number(m[1]))).toEqual(LAYERS.map((_l, i) => i + 1));
    expect(rows.map((m) => [...m[2]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]))).toEqual(LAYERS.map((l) => [...l.units]));
  });

  it('its diagram draws every folder-level import, and nothing else, each in its layer, dotted when it points up', () => {
    expect(diagramDrift(parseDiagram(diagramText), graph, LAYERS)).toEqual([]);
  });

  it('its diagram is Mermaid that Mermaid itself parses', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'mermaid-parse.mjs')], { input: JSON.stringify([diagramText]), encoding: 'utf8', timeout: 60000 });
    expect(JSON.parse(r.stdout)).toEqual([{ ok: true, type: 'flowchart-v2' }]);
  });

  it('the source paths it and the README layout table name exist', () => {
    const named = (text: string) => [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((p) => /^(core|platforms|bootstrap|constructs|stacks|app|cli|bin|schemas|scripts|docs|__tests__)\/[^<>*]*$|^(main|index)\.ts$/.test(p));
    const readme = section(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), '## Layout of the code').join('\n');
    const paths = [...new Set([...named(doc), ...named(readme)])];
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((p) => !fs.existsSync(path.join(root, p))).map((p) => `${p} is named but does not exist`)).toEqual([]);
    // The README's layout table names existing folders and files in its first column (no `topology/`).
    const firstColumn = readme.split('\n').flatMap((l) => [...(/^\| ([^|]*) \|/.exec(l)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    expect(firstColumn.length).toBeGreaterThan(10);
    expect(firstColumn.filter((p) => !fs.existsSync(path.join(root, p))).map((p) => `${p} is in the README's layout table but does not exist`)).toEqual([]);
    // Every top folder and file of the sources has its row in the README's layout table.
    expect([...dirs.map((d) => `${d}/`), ...files].filter((d) => !readme.includes(`\`${d}`))).toEqual([]);
  });
});
