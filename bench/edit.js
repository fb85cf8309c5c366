'use strict';
/**
 * The first synth after an edit (run.js runs it with `synth`): a copy of the built checkout
 * (node_modules linked), then, `reps` times, main.ts and a core file edited and cdktf.json's app
 * command run as cdktf synth runs it over one topology; the app entry rebuilds the bundle before
 * synthesizing (scripts/app-build.js).                                            (target <= 3 s)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { appCommand, median, runAsCdktfSynth } = require('./lib');

/** The core file edited besides main.ts. */
const CORE_FILE = path.join('core', 'model', 'resolve.ts');

function benchFirstSynthAfterEdit(root, reps) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-edit-'));
  try {
    const copy = path.join(work, 'checkout');
    const skip = new Set(['node_modules', '.git', 'cdktf.out', '__tests__', 'coverage', '.terraform']);
    for (const entry of fs.readdirSync(root).filter((e) => !skip.has(e) && !e.startsWith('terraform.'))) {
      fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(root, 'topologies', 'berlin-small.yaml'), path.join(dir, 'berlin-small.yaml'));
    const synth = (i) => runAsCdktfSynth(appCommand(root), copy, path.join(work, `o${i}`), { UMS_TOPOLOGY_DIR: dir });
    synth('warm');
    const edited = [];
    const unchanged = [];
    for (let i = 0; i < reps; i++) {
      for (const file of ['main.ts', CORE_FILE]) fs.appendFileSync(path.join(copy, file), `\n// edit ${i}\n`);
      const r = synth(`e${i}`);
      // Under the cdktf CLI's environment the app writes its information (the rebuild line) to stdout.
      if (!/rebuilt dist\/ums-ha-app\.js/.test(`${r.stdout}${r.stderr}`)) throw new Error(`the edit was not rebuilt: ${r.stdout}${r.stderr}`);
      edited.push(r.ms);
      unchanged.push(synth(`u${i}`).ms);
    }
    return { editedMs: median(edited), unchangedMs: median(unchanged) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function edit({ root, quick, record }) {
  const e = benchFirstSynthAfterEdit(root, quick ? 2 : 5);
  record('first synth after an edit (1 topology)', e.editedMs / 1000, 's', '<= 3', e.editedMs <= 3000, `main.ts and ${CORE_FILE} edited, cdktf.json app as cdktf synth runs it; unchanged: ${e.unchangedMs.toFixed(0)} ms`);
}

module.exports = { edit };
