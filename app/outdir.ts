/**
 * The output folder (cdktf.out) written whole or not at all: every stack folder is from one run.
 *
 * A synthesis writes into a temporary folder inside the output folder (`.ums-ha-synth-<pid>-*`,
 * same file system), then renames each finished stack folder into `stacks/<name>` and the manifest
 * into place. A run killed at any moment leaves each stack folder either from the previous run or
 * from this one (or, for the instant between the two renames of one stack, absent), never a new
 * cdk.tf.json beside an old sizing report. Terraform's own working files in a stack folder (the
 * `.terraform` folder, `.terraform.lock.hcl`, state and plan files) are carried into the new folder.
 * Whatever `stacks/` holds that this run did not write is removed, with one line each.
 *
 * Two processes never write one output folder at once: {@link lockOutdir} holds a lock the kernel
 * releases when the process ends, however it ends.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFsError } from '../topology/files';

const TEMP_PREFIX = '.ums-ha-synth-';

/** Files of Terraform's in a stack folder that a new synthesis keeps (not written by synthesis). */
export function isTerraformWorkingFile(name: string): boolean {
  return name.startsWith('.terraform') || /\.tfstate(\.backup)?$/.test(name) || /\.tfplan$/.test(name) || name === 'plan';
}

/**
 * Checks the output folder and creates it (not its parents): a problem is one line for the user.
 * Safe when several processes create it at once.
 */
export function prepareOutdir(outdir: string, variable = 'CDKTF_OUTDIR'): string | undefined {
  if (outdir === '') return `${variable} is empty: unset it (the output goes to cdktf.out) or name a folder`;
  const parent = path.dirname(path.resolve(outdir));
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(outdir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return `${variable} ${outdir}: a part of the path is a file, not a folder`;
    if (code !== 'ENOENT') return `${variable} ${outdir}: ${describeFsError(err)}`;
  }
  if (stat && !stat.isDirectory()) return `${variable} ${outdir} is a file, not a folder: name a folder for the output`;
  if (!stat) {
    if (!fs.existsSync(parent)) return `${variable} ${outdir}: its parent folder ${parent} does not exist (ums-ha creates the output folder, not its parents)`;
    try {
      fs.mkdirSync(outdir);
    } catch (err) {
      // Another synthesis created it first: fine, as long as it is a folder.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(outdir).isDirectory()) return `${variable} ${outdir}: cannot create it (${describeFsError(err)})`;
    }
  }
  try {
    fs.accessSync(outdir, fs.constants.W_OK);
  } catch {
    return `${variable} ${outdir}: permission denied (the folder is not writable)`;
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

export interface PublishResult {
  /** Stack folders removed because this run wrote no stack of that name. */
  readonly removed: readonly string[];
  /** Entries of stacks/ that no synthesis wrote (no cdk.tf.json or cdk.tf in them): left alone. */
  readonly kept: readonly string[];
}

/**
 * Moves the stacks of `temp` (cdktf's output of this run, plus the files written beside each
 * stack) into `outdir`: stack by stack, then the manifest; then removes every other entry of
 * `outdir/stacks` and the temporary folder.
 */
export function publishOutdir(temp: string, outdir: string, stacks: readonly string[]): PublishResult {
  const target = path.join(outdir, 'stacks');
  fs.mkdirSync(target, { recursive: true });
  const old = path.join(temp, '.previous');
  fs.mkdirSync(old);
  for (const name of stacks) {
    const fresh = path.join(temp, 'stacks', name);
    const current = path.join(target, name);
    if (fs.existsSync(current)) {
      for (const entry of fs.readdirSync(current)) {
        if (isTerraformWorkingFile(entry)) fs.renameSync(path.join(current, entry), path.join(fresh, entry));
      }
      fs.renameSync(current, path.join(old, name));
    }
    fs.renameSync(fresh, current);
  }
  const removed: string[] = [];
  const kept: string[] = [];
  const written = new Set(stacks);
  for (const entry of fs.readdirSync(target).sort()) {
    if (written.has(entry)) continue;
    // Only what a synthesis wrote: a stack folder holds cdk.tf.json (or cdk.tf for --hcl). Anything
    // else under stacks/ is not ours to delete and stays, said in one line.
    const folder = path.join(target, entry);
    if (!isStackFolder(folder)) {
      kept.push(entry);
      continue;
    }
    fs.rmSync(folder, { recursive: true, force: true });
    removed.push(entry);
  }
  const manifest = path.join(temp, 'manifest.json');
  if (fs.existsSync(manifest)) fs.renameSync(manifest, path.join(outdir, 'manifest.json'));
  fs.rmSync(temp, { recursive: true, force: true });
  return { removed, kept };
}

/** A folder cdktf wrote for a stack: it holds cdk.tf.json or cdk.tf. */
function isStackFolder(folder: string): boolean {
  return ['cdk.tf.json', 'cdk.tf'].some((f) => fs.statSync(path.join(folder, f), { throwIfNoEntry: false })?.isFile() === true);
}

/** The lock's address: an abstract Unix socket on Linux (no file; gone with the process), a socket file elsewhere. */
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

/**
 * Waits (up to `waitSeconds`) until no other ums-ha synthesis writes `outdir`, then holds it until
 * `release` or the end of the process. `onWait` is told once when another run holds it.
 * Resolves to a one-line problem when the wait times out.
 */
export async function lockOutdir(outdir: string, waitSeconds: number, onWait: () => void): Promise<OutdirLock | string> {
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
    if (Date.now() >= deadline) return `${outdir} is still being written by another ums-ha synthesis after ${waitSeconds} s: run again when it has finished`;
    await new Promise((r) => setTimeout(r, 100));
  }
}
