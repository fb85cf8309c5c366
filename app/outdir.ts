/**
 * The output folder (cdktf.out) written whole or not at all: every stack folder is from one run.
 *
 * A synthesis writes into a temporary folder inside the output folder (`.ums-ha-synth-<pid>-*`,
 * same file system), then renames each finished stack folder into `stacks/<name>` and the manifest
 * into place. A run killed at any moment leaves each stack folder either from the previous run or
 * from this one (or, for the instant between the two renames of one stack, absent), never a new
 * cdk.tf.json beside an old sizing report. Terraform's own working files in a stack folder (the
 * `.terraform` folder, `.terraform.lock.hcl`, state and plan files) are carried into the new folder.
 *
 * What stacks/ holds that this run did not write (issue 23.2, issue 21.1), one line each:
 * - the stack of a refused topology keeps its last good output (and its manifest entry); a run that
 *   refuses a topology removes no stack folder at all;
 * - a stale stack folder (cdk.tf.json or cdk.tf, nothing of Terraform's) is removed; under the
 *   cdktf CLI it is left for the CLI, which removes every folder of stacks/ it listed before the run
 *   that the new manifest does not name, and stops with ENOENT on one that is already gone;
 * - a folder that holds state-like files (`*.tfstate*`, `.terraform/`, plan files) or that no
 *   synthesis wrote is never deleted: it moves to `retired/<name>` (same depth, so a relative state
 *   path in it still resolves), so that neither this run nor the cdktf CLI removes it; under the CLI
 *   an empty folder stays in its place for the CLI to remove;
 * - a file (or a link) is left alone.
 *
 * An output folder that holds anything other than an earlier output of ums-ha is refused before
 * anything is written (`CDKTF_OUTDIR=/etc`, someone's cdktf.out with their own stacks): each output
 * carries `.ums-ha-output.json`, which also records the topology file of each stack.
 *
 * Two processes never write one output folder at once: {@link lockOutdir} holds a lock on the
 * output folder's file system (flock on `.ums-ha-lock`) that the kernel releases when the process
 * ends, however it ends, and that every process able to write the folder sees (issue 23.3).
 */
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFsError } from '../core/document/files';
import { printable } from '../core/base/findings';

const TEMP_PREFIX = '.ums-ha-synth-';
/** Written by every synthesis: marks the folder as ums-ha's output and maps each stack to its topology file. */
export const OUTPUT_MARKER = '.ums-ha-output.json';
/** Where stack folders that must not be deleted go. */
export const RETIRED = 'retired';
/** The lock file (flock) of the output folder. */
export const LOCK_FILE = '.ums-ha-lock';
/** What an output folder of ums-ha holds at its top, besides the temporary folders. */
const OWN_ENTRIES = new Set(['manifest.json', 'stacks', RETIRED, OUTPUT_MARKER, LOCK_FILE]);

/** Files of Terraform's in a stack folder that a new synthesis keeps (not written by synthesis). */
export function isTerraformWorkingFile(name: string): boolean {
  return name.startsWith('.terraform') || /\.tfstate(\.backup)?$/.test(name) || /\.tfplan$/.test(name) || name === 'plan';
}

/** A state-like entry: state and its backups (`*.tfstate*`), Terraform's `.terraform` folder, plan files. */
export function isStateLike(name: string): boolean {
  return name === '.terraform' || /\.tfstate/.test(name) || /\.tfplan$/.test(name) || name === 'plan';
}

/** The first state-like entry in `folder` or below it (relative path), if any. */
export function findStateLike(folder: string): string | undefined {
  const walk = (d: string, depth: number): string | undefined => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const e of entries) if (isStateLike(e.name)) return path.relative(folder, path.join(d, e.name));
    if (depth >= 8) return undefined;
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const found = walk(path.join(d, e.name), depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(folder, 0);
}

/** The earlier output's record: stack name -> topology file it was synthesized from. */
export interface OutputRecord {
  readonly stacks: Readonly<Record<string, string>>;
}

export function readOutputRecord(outdir: string): OutputRecord | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(outdir, OUTPUT_MARKER), 'utf8')) as { writtenBy?: unknown; stacks?: unknown };
    if (parsed.writtenBy !== 'ums-ha' || !parsed.stacks || typeof parsed.stacks !== 'object') return undefined;
    const stacks: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.stacks as Record<string, unknown>)) if (typeof v === 'string') stacks[k] = v;
    return { stacks };
  } catch {
    return undefined;
  }
}

const list = (names: readonly string[]) => {
  const shown = names.slice(0, 3).map((x) => printable(x));
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
};

/**
 * Whether `outdir` (an existing folder) may be written: empty, an output of ums-ha (its marker), or
 * one of an earlier version (only manifest.json and stacks/, each stack folder with the sizing
 * report ums-ha writes beside every stack). A problem is one line.
 */
function ownershipProblem(outdir: string, variable: string): string | undefined {
  const shown = `${variable} ${printable(outdir)}`;
  let entries: string[];
  try {
    entries = fs.readdirSync(outdir);
  } catch (err) {
    return `${shown}: ${describeFsError(err)}`;
  }
  const foreign = entries.filter((e) => !OWN_ENTRIES.has(e) && !e.startsWith(TEMP_PREFIX)).sort();
  const refuse = (what: string) => `${shown} holds ${what}, which no ums-ha synthesis wrote: name a new or empty folder, or an earlier output of ums-ha (nothing was written)`;
  if (foreign.length > 0) return refuse(list(foreign));
  if (readOutputRecord(outdir) !== undefined) return undefined;
  // Before the marker: every stack folder has the sizing report of ums-ha beside its stack.
  const stacks = path.join(outdir, 'stacks');
  let names: fs.Dirent[] = [];
  try {
    names = fs.readdirSync(stacks, { withFileTypes: true });
  } catch {
    // No stacks/ folder: nothing of anyone's to lose.
  }
  const others = names.filter((e) => !e.isDirectory() || !fs.existsSync(path.join(stacks, e.name, 'sizing-report.json'))).map((e) => `stacks/${e.name}`);
  if (others.length > 0) return refuse(list(others));
  if (entries.includes('manifest.json') && names.length === 0 && !entries.includes(RETIRED)) {
    // A manifest and no stack: ums-ha writes a manifest only with its stacks (or after them).
    try {
      const m = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks?: unknown };
      if (m.stacks && typeof m.stacks === 'object' && Object.keys(m.stacks).length > 0) return refuse('manifest.json');
    } catch {
      return refuse('manifest.json');
    }
  }
  return undefined;
}

/**
 * Checks the output folder and creates it (not its parents): a problem is one line for the user.
 * An existing folder must be empty or an earlier output of ums-ha. Safe when several processes
 * create it at once.
 */
export function prepareOutdir(outdir: string, variable = 'CDKTF_OUTDIR'): string | undefined {
  if (outdir === '') return `${variable} is empty: unset it (the output goes to cdktf.out) or name a folder`;
  const shown = `${variable} ${printable(outdir)}`;
  const parent = path.dirname(path.resolve(outdir));
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(outdir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return `${shown}: a part of the path is a file, not a folder`;
    if (code !== 'ENOENT') return `${shown}: ${describeFsError(err)}`;
  }
  if (stat && !stat.isDirectory()) return `${shown} is a file, not a folder: name a folder for the output`;
  if (stat) {
    const problem = ownershipProblem(outdir, variable);
    if (problem !== undefined) return problem;
  } else {
    if (!fs.existsSync(parent)) return `${shown}: its parent folder ${printable(parent)} does not exist (ums-ha creates the output folder, not its parents)`;
    try {
      fs.mkdirSync(outdir);
    } catch (err) {
      // Another synthesis created it first: fine, as long as it is a folder.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(outdir).isDirectory()) return `${shown}: cannot create it (${describeFsError(err)})`;
    }
  }
  try {
    fs.accessSync(outdir, fs.constants.W_OK);
  } catch {
    return `${shown}: permission denied (the folder is not writable)`;
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A new temporary folder for this run's output, after removing those of runs that died. */
export function makeTempOutdir(outdir: string): string {
  for (const entry of fs.readdirSync(outdir)) {
    const m = entry.startsWith(TEMP_PREFIX) ? /^(\d+)-/.exec(entry.slice(TEMP_PREFIX.length)) : null;
    if (m && !alive(Number(m[1]))) fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
  }
  return fs.mkdtempSync(path.join(outdir, `${TEMP_PREFIX}${process.pid}-`));
}

/** What happened to an entry of stacks/ that this run did not write. */
export type LeftOver =
  | { readonly name: string; readonly what: 'removed' }
  /** A stale stack folder left for the cdktf CLI, which removes it after the run. */
  | { readonly name: string; readonly what: 'left-to-cli' }
  /** Moved to retired/<to>: it holds `stateLike` (or, without it, no synthesis wrote it). */
  | { readonly name: string; readonly what: 'retired'; readonly to: string; readonly stateLike?: string }
  /** The stack of a refused topology (`source`), with its last good output. */
  | { readonly name: string; readonly what: 'kept'; readonly source?: string }
  /** A run that refused a topology removes no stack folder. */
  | { readonly name: string; readonly what: 'kept-refused-run' }
  /** Not a folder: left alone. */
  | { readonly name: string; readonly what: 'not-a-folder' };

export interface PublishOptions {
  /** The stacks this run wrote, with the topology file of each. */
  readonly stacks: ReadonlyArray<{ readonly name: string; readonly file: string }>;
  /** Stack names of refused topologies, with their file: their last good output stays. */
  readonly refused: ReadonlyArray<{ readonly name?: string; readonly file: string }>;
  /** The run refused a topology: no stack folder is removed or moved. */
  readonly anyRefused: boolean;
  /** Run by the cdktf CLI, which removes the stack folders of its own listing afterwards. */
  readonly underCdktfCli: boolean;
}

/** A free name under retired/: `<name>`, else `<name>-2`, `<name>-3`... */
function retiredName(retired: string, name: string): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${name}-${i}`;
    if (!fs.existsSync(path.join(retired, candidate))) return candidate;
  }
}

/**
 * Moves the stacks of `temp` (cdktf's output of this run, plus the files written beside each
 * stack) into `outdir`: stack by stack, then the manifest (with the entries of kept stacks) and the
 * record; then settles every other entry of `outdir/stacks` (see the file comment) and removes the
 * temporary folder.
 */
export function publishOutdir(temp: string, outdir: string, options: PublishOptions): LeftOver[] {
  const target = path.join(outdir, 'stacks');
  moveStacksIntoPlace(temp, target, options.stacks);
  const written = new Set(options.stacks.map((s) => s.name));
  const previous = readOutputRecord(outdir);
  const refusedSource = refusedStacks(options.refused, written, previous);
  const { leftOver, kept } = settleLeftOvers(target, outdir, written, refusedSource, options);
  publishManifest(temp, outdir, kept);
  publishRecord(temp, outdir, { kept, previous, refusedSource, stacks: options.stacks });
  fs.rmSync(temp, { recursive: true, force: true });
  return leftOver;
}

/**
 * Renames each stack folder of this run into `target`, carrying Terraform's files of the folder it
 * replaces over; the replaced folder goes to `temp/.previous` (removed with the temporary folder).
 */
function moveStacksIntoPlace(temp: string, target: string, stacks: PublishOptions['stacks']): void {
  fs.mkdirSync(target, { recursive: true });
  const old = path.join(temp, '.previous');
  fs.mkdirSync(old);
  for (const { name } of stacks) {
    const fresh = path.join(temp, 'stacks', name);
    const current = path.join(target, name);
    if (fs.existsSync(current)) {
      // Terraform's files are carried over, state at any depth too: workspaces keep theirs in
      // terraform.tfstate.d/<workspace>/, and nothing below a stack folder that holds state is lost.
      for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
        const carry = isTerraformWorkingFile(entry.name) || isStateLike(entry.name) || (entry.isDirectory() && findStateLike(path.join(current, entry.name)) !== undefined);
        if (carry && !fs.existsSync(path.join(fresh, entry.name))) fs.renameSync(path.join(current, entry.name), path.join(fresh, entry.name));
      }
      fs.renameSync(current, path.join(old, name));
    }
    fs.renameSync(fresh, current);
  }
}

/** The stacks of refused topologies this run did not write, with their topology file. */
function refusedStacks(refused: PublishOptions['refused'], written: ReadonlySet<string>, previous: OutputRecord | undefined): Map<string, string> {
  const refusedSource = new Map<string, string>();
  for (const r of refused) if (r.name !== undefined && !written.has(r.name)) refusedSource.set(r.name, r.file);
  // A refused file keeps the stack it was synthesized into last time, by name or by the record.
  const resolvedRefused = new Set(refused.map((r) => path.resolve(r.file)));
  for (const [name, file] of Object.entries(previous?.stacks ?? {})) if (resolvedRefused.has(path.resolve(file)) && !written.has(name) && !refusedSource.has(name)) refusedSource.set(name, file);
  return refusedSource;
}

/** Settles every entry of `target` (stacks/) this run did not write; the kept stacks are named in `kept`. */
function settleLeftOvers(
  target: string,
  outdir: string,
  written: ReadonlySet<string>,
  refusedSource: ReadonlyMap<string, string>,
  options: PublishOptions,
): { leftOver: LeftOver[]; kept: string[] } {
  const leftOver: LeftOver[] = [];
  const kept: string[] = [];
  for (const entry of fs.readdirSync(target).sort()) {
    if (written.has(entry)) continue;
    const settled = settleEntry(entry, target, outdir, refusedSource, options);
    if (settled === undefined) continue;
    if (settled.what === 'kept' || settled.what === 'kept-refused-run') kept.push(entry);
    leftOver.push(settled);
  }
  return { leftOver, kept };
}

/** What becomes of one entry of stacks/ this run did not write (undefined: it is gone already). */
function settleEntry(entry: string, target: string, outdir: string, refusedSource: ReadonlyMap<string, string>, options: PublishOptions): LeftOver | undefined {
  const folder = path.join(target, entry);
  const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isDirectory()) return { name: entry, what: 'not-a-folder' };
  if (refusedSource.has(entry)) return { name: entry, what: 'kept', source: refusedSource.get(entry) };
  if (options.anyRefused) return { name: entry, what: 'kept-refused-run' };
  const stateLike = findStateLike(folder);
  if (stateLike === undefined && (isStackFolder(folder) || fs.readdirSync(folder).length === 0)) {
    if (options.underCdktfCli) return { name: entry, what: 'left-to-cli' };
    fs.rmSync(folder, { recursive: true, force: true });
    return { name: entry, what: 'removed' };
  }
  // State, Terraform's working files, or a folder no synthesis wrote: never deleted.
  const retired = path.join(outdir, RETIRED);
  fs.mkdirSync(retired, { recursive: true });
  const to = retiredName(retired, entry);
  fs.renameSync(folder, path.join(retired, to));
  // The cdktf CLI removes the folder it listed; an empty one in its place keeps it from failing.
  if (options.underCdktfCli) fs.mkdirSync(folder);
  return { name: entry, what: 'retired', to, ...(stateLike !== undefined ? { stateLike } : {}) };
}

/** Renames this run's manifest into place, with the entries of the kept stacks from the one it replaces. */
function publishManifest(temp: string, outdir: string, kept: readonly string[]): void {
  const manifest = path.join(temp, 'manifest.json');
  if (!fs.existsSync(manifest)) return;
  if (kept.length > 0) {
    // The kept stacks stay in the manifest, as in stacks/.
    const fresh = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { stacks?: Record<string, unknown> };
    let before: { stacks?: Record<string, unknown> } = {};
    try {
      before = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    } catch {
      // No earlier manifest: the kept folders stay without an entry.
    }
    fresh.stacks = { ...(fresh.stacks ?? {}) };
    for (const name of kept) if (before.stacks?.[name] !== undefined) fresh.stacks[name] = before.stacks[name];
    fs.writeFileSync(manifest, JSON.stringify(fresh, null, 2));
  }
  fs.renameSync(manifest, path.join(outdir, 'manifest.json'));
}

/** Writes the output record (OUTPUT_MARKER): the topology file of every stack, kept ones included. */
function publishRecord(
  temp: string,
  outdir: string,
  run: { kept: readonly string[]; previous: OutputRecord | undefined; refusedSource: ReadonlyMap<string, string>; stacks: PublishOptions['stacks'] },
): void {
  const record: Record<string, string> = {};
  for (const name of run.kept) {
    const source = run.previous?.stacks[name] ?? run.refusedSource.get(name);
    if (source !== undefined) record[name] = source;
  }
  for (const s of run.stacks) record[s.name] = s.file;
  const marker = path.join(temp, OUTPUT_MARKER);
  fs.writeFileSync(marker, `${JSON.stringify({ writtenBy: 'ums-ha', stacks: record }, null, 2)}\n`);
  fs.renameSync(marker, path.join(outdir, OUTPUT_MARKER));
}

/** A folder cdktf wrote for a stack: it holds cdk.tf.json or cdk.tf. */
function isStackFolder(folder: string): boolean {
  return ['cdk.tf.json', 'cdk.tf'].some((f) => fs.statSync(path.join(folder, f), { throwIfNoEntry: false })?.isFile() === true);
}

/**
 * The fallback lock where the `flock` command is missing: an abstract Unix socket on Linux (no
 * file; gone with the process, but seen only inside one network namespace), a socket file
 * elsewhere.
 */
function lockAddress(outdir: string): string {
  const key = crypto.createHash('sha256').update(fs.realpathSync(outdir)).digest('hex').slice(0, 32);
  return process.platform === 'linux' ? `\0ums-ha-outdir-${key}` : path.join(os.tmpdir(), `ums-ha-outdir-${key}.sock`);
}

function listen(address: string): Promise<net.Server | 'busy'> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return reject(err);
      if (address.startsWith('\0')) return resolve('busy');
      // A socket file: held when something answers on it, left over from a dead process otherwise.
      const probe = net.connect(address);
      probe.once('connect', () => {
        probe.destroy();
        resolve('busy');
      });
      probe.once('error', () => {
        fs.rmSync(address, { force: true });
        resolve(listen(address));
      });
    });
    server.listen(address, () => {
      server.unref();
      resolve(server);
    });
  });
}

export interface OutdirLock {
  release(): void;
}

/** flock(1)'s exit code when the lock is held by another process (or the wait timed out). */
const FLOCK_BUSY = 75;

/**
 * An exclusive flock(2) on `lockFile`, held by a `flock ... cat` child whose standard input is a
 * pipe from this process: the lock lasts while the pipe is open, so `release` (closing it) or the
 * end of this process, however it ends (SIGKILL included: the kernel closes the pipe), frees it.
 * `wait` undefined: do not wait; otherwise wait up to that many seconds. The lock is on the file
 * system, so every process that can write the folder sees it: other network namespaces, other
 * containers on a shared volume, other users. 'no-flock' when the command is missing.
 */
function flock(lockFile: string, wait: number | undefined): Promise<OutdirLock | 'busy' | 'no-flock'> {
  return new Promise((resolve, reject) => {
    const args = ['--exclusive', ...(wait === undefined ? ['--nonblock'] : ['--wait', String(wait)]), '--conflict-exit-code', String(FLOCK_BUSY), lockFile, 'cat'];
    const child = spawn('flock', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let settled = false;
    let stderr = '';
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (err.code === 'ENOENT') resolve('no-flock');
      else reject(err);
    });
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdin!.on('error', () => {
      // The child ended (busy, or an error reported by 'close').
    });
    // `cat` echoes the byte once flock holds the lock.
    child.stdout!.once('data', () => {
      if (settled) return;
      settled = true;
      for (const stream of [child.stdin, child.stdout, child.stderr] as Array<{ unref?: () => void } | null>) stream?.unref?.();
      child.unref();
      resolve({ release: () => void child.stdin!.end() });
    });
    child.once('close', (code) => {
      if (settled) return;
      settled = true;
      if (code === FLOCK_BUSY) resolve('busy');
      else reject(Object.assign(new Error(`flock: ${stderr.trim().split('\n')[0] ?? ''}`), { code: `flock exit ${code}` }));
    });
    child.stdin!.write('x');
  });
}

/**
 * Waits (up to `waitSeconds`) until no other ums-ha synthesis writes `outdir`, then holds it until
 * `release` or the end of the process. `onWait` is told once when another run holds it.
 * Resolves to a one-line problem when the wait times out.
 *
 * The lock is flock(2) on `<outdir>/.ums-ha-lock` (a file that stays; removing a lock file races).
 * Without the `flock` command (util-linux) it falls back to a socket (see lockAddress).
 */
export async function lockOutdir(outdir: string, waitSeconds: number, onWait: () => void): Promise<OutdirLock | string> {
  const busy = `${outdir} is still being written by another ums-ha synthesis after ${waitSeconds} s: run again when it has finished`;
  const lockFile = path.join(outdir, LOCK_FILE);
  const first = await flock(lockFile, undefined);
  if (first !== 'no-flock') {
    if (first !== 'busy') return first;
    onWait();
    if (waitSeconds === 0) return busy;
    const second = await flock(lockFile, waitSeconds);
    return second === 'busy' || second === 'no-flock' ? busy : second;
  }
  const address = lockAddress(outdir);
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    const held = await listen(address);
    if (held !== 'busy') {
      return {
        release: () => {
          held.close();
        },
      };
    }
    if (!told) {
      onWait();
      told = true;
    }
    if (Date.now() >= deadline) return busy;
    await new Promise((r) => setTimeout(r, 100));
  }
}
