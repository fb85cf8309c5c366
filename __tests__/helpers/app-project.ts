/**
 * Project folders for tests that run the app (bin/ums-ha-app.js) as cdktf does: a folder with a
 * topologies/ of the files given, and an environment without the settings a developer's shell
 * may carry (output folder, backend file, debug, the cdktf CLI's marker).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from './cli';
import { topology } from './topology';

/** A topology document named `name`. */
export const named = (name: string, spec: Record<string, unknown> = {}) => ({ ...topology(spec), metadata: { name } });

/** Replaces the topology files of `root` with these (name -> document or text). */
export function writeTopologies(root: string, files: Record<string, unknown>): void {
  const t = path.join(root, 'topologies');
  for (const f of fs.readdirSync(t)) fs.rmSync(path.join(t, f));
  for (const [file, doc] of Object.entries(files)) fs.writeFileSync(path.join(t, file), typeof doc === 'string' ? doc : stringify(doc));
}

/** A maker of project folders under one temporary folder with this prefix. */
export function projects(prefix: string): (files: Record<string, unknown>) => string {
  const dir = tempDir(prefix);
  let n = 0;
  return (files) => {
    const root = path.join(dir, `p${n++}`);
    fs.mkdirSync(path.join(root, 'topologies'), { recursive: true });
    writeTopologies(root, files);
    return root;
  };
}

/** The app's environment: topologies/ of the project, none of the inherited settings, then `extra` (undefined removes). */
export function appEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, UMS_TOPOLOGY_DIR: 'topologies' };
  for (const k of ['CDKTF_OUTDIR', 'SYNTH_HCL_OUTPUT', 'UMS_HA_DEBUG', 'UMS_HA_BACKEND_FILE', 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS']) delete e[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
}
