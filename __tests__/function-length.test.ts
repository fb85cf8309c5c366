/**
 * No function of the core is longer than a screen (80 lines, from its first line to its last):
 * runbooks, change plans, reports and renderers are compositions of small named steps, each of
 * which names its source. The check uses TypeScript's own parser, so every function form counts:
 * declarations, methods, constructors, accessors, arrow functions and function expressions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');
export const MAX_FUNCTION_LINES = 80;
/** The folders the limit holds for: every source folder (the core, the platforms, the bootstrap, the cdktf pieces, the entries). */
const CHECKED = ['core', 'platforms', 'bootstrap', 'constructs', 'stacks', 'app', 'cli', 'main.ts', 'index.ts', 'core-entry.ts'];

function sources(dir: string): string[] {
  if (fs.statSync(dir).isFile()) return [dir];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every function in `text` longer than `max` lines, as "file:line name (N lines)". */
export function longFunctions(file: string, text: string, max = MAX_FUNCTION_LINES): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) {
        const name = n.name?.getText(sf) ?? (ts.isVariableDeclaration(n.parent) || ts.isPropertyAssignment(n.parent) ? n.parent.name.getText(sf) : '(anonymous)');
        out.push(`${path.relative(root, file)}:${first + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe(`no function longer than ${MAX_FUNCTION_LINES} lines`, () => {
  it.each(CHECKED)('%s', (dir) => {
    const offenders = sources(path.join(root, dir)).flatMap((f) => longFunctions(f, fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check finds a long function of every form (control)', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const forms = [
      `function declared() {\n${body}\n}`,
      `const arrow = () => {\n${body}\n};`,
      `class C {\n  method() {\n${body}\n  }\n  constructor() {\n${body}\n  }\n}`,
      `export const o = { property: function () {\n${body}\n} };`,
    ];
    expect(forms.map((f) => longFunctions('control.ts', f).length)).toEqual([1, 1, 2, 1]);
    expect(longFunctions('control.ts', `function fits() {\n${body.split('\n').slice(2).join('\n')}\n}`)).toEqual([]);
  });
});
