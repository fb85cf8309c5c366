/**
 * What one run of the suite leaves behind and prints last: a child Jest with the project's own
 * configuration (jest.config.js) runs a fixture suite that makes cdktf `Testing.app()` and
 * `Testing.fullSynth()` folders, in a temporary folder of its own.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-test-run-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a run of the suite (jest.config.js)', () => {
  it('leaves nothing in the temporary folder, and its summary line is the last line it prints', () => {
    const tmp = fs.mkdtempSync(path.join(dir, 'tmp-'));
    const log = path.join(dir, 'jest.log');
    const out = fs.openSync(log, 'w');
    try {
      const r = spawnSync(
        process.execPath,
        [path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', path.join(repoRoot, 'jest.config.js'), '--ci', '--testMatch', '**/fixtures/temp/*.fixture.js', '--cacheDirectory', path.join(dir, 'jest-cache')],
        // Jest's transform cache (by default in the temporary folder, kept between runs on purpose)
        // goes elsewhere, so `tmp` holds only what the run leaves. stdout and stderr into one file, in the order the run writes them, as a terminal shows them.
        { cwd: repoRoot, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', out, out], timeout: 120000 },
      );
      expect(r.status).toBe(0);
    } finally {
      fs.closeSync(out);
    }
    const printed = fs.readFileSync(log, 'utf8');
    // The fixture saw its two cdktf folders in the run's temporary folder (inside `tmp`)...
    expect(printed).toMatch(/Tests: +1 passed, 1 total/);
    // ...and the run took them away with that folder: the count did not grow.
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(printed.trimEnd().split('\n').pop()).toBe('tests: 1 passed, 0 failed, 0 skipped');
  });
});
