/**
 * Reports and runbooks against the reviewed golden files in __tests__/golden/. They change only
 * through `npm run golden` (which regenerates them), reviewed as a diff.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goldenOutputs } from '../core/reports/golden';
import { repoRoot } from './helpers/cli';

const dir = path.join(repoRoot, '__tests__', 'golden');
const outputs = goldenOutputs(repoRoot);

describe('golden reports and runbooks', () => {
  it('has a golden file for every output and no other', () => {
    expect(fs.readdirSync(dir).sort()).toEqual(Object.keys(outputs).sort());
  });

  it.each(Object.keys(outputs).sort())('%s matches (npm run golden regenerates it)', (name) => {
    expect(outputs[name]).toBe(fs.readFileSync(path.join(dir, name), 'utf8'));
  });

  it('every Mermaid diagram parses with the Mermaid parser from npm', () => {
    const diagrams = Object.entries(outputs)
      .filter(([name]) => name.endsWith('.report.json'))
      .map(([, text]) => (JSON.parse(text) as { mermaid: string }).mermaid);
    expect(diagrams.length).toBeGreaterThanOrEqual(2);
    const r = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8', timeout: 60000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(diagrams.map(() => ({ ok: true, type: 'flowchart-v2' })));
  });
});
