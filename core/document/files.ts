/**
 * Turns the command's paths into topology files: a file stays, a directory expands to its *.yaml
 * and *.yml files (sorted, not recursive). What cannot be used is a problem line, never a throw:
 * an entry of a directory that is not a regular file (a dangling or looping symbolic link, a
 * directory or a device named x.yaml) is one line each, never skipped in silence.
 *
 * Symbolic links never lead out of the folder (issue 23.1): a topology file that is a link is read
 * only when its target, every link of the chain resolved, is inside the folder that holds the link
 * (the folder given, for an entry of it); a folder given that is itself a link must resolve inside
 * the working directory. Anything else is one line, and nothing of the target is read or printed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { printable } from '../base/findings';

export interface Inputs {
  /** Files to check, in order, each once. */
  readonly files: string[];
  /** One line each: an input that is missing, unreadable or holds no topology file. */
  readonly problems: string[];
}

const TOPOLOGY_FILE = /\.ya?ml$/i;

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links (a symbolic link loop?)';
    default:
      return code ? `cannot be read (${code})` : 'cannot be read';
  }
}

/** What a file that is not a regular file is, for a message ("a FIFO"). */
export function kind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads at most `limit + 1` bytes of a regular file (never the whole of a larger one); anything
 * else (a directory, a FIFO, a device, a socket) is refused without reading it. The file is opened
 * non-blocking, so a FIFO without a writer cannot hang the run; `size` is the file's size as
 * stat gives it (the bytes read may be fewer, when the file is over the limit).
 */
export function readBounded(file: string, limit: number, noun = 'topology file'): { bytes: Buffer; size: number } | { problem: string } {
  const name = printable(file);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return { problem: `${name} is a directory: give one ${noun}` };
    return { problem: `cannot read ${name}: ${describeFsError(err)}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { problem: `${name} is a directory: give one ${noun}` };
    if (!stat.isFile()) return { problem: `${name} is ${kind(stat)}, not a regular file: give a ${noun}` };
    // Room for the stated size and one byte more: a file that grows while it is read (or a /proc
    // file, which says 0) gets more room, up to the limit plus one byte.
    let buffer = Buffer.allocUnsafe(Math.min(limit, stat.size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > limit) break;
        const larger = Buffer.allocUnsafe(limit + 1);
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return { bytes: buffer.subarray(0, length), size: Math.max(stat.size, length) };
  } catch (err) {
    return { problem: `cannot read ${name}: ${describeFsError(err)}` };
  } finally {
    fs.closeSync(fd);
  }
}

/** `inner` is `outer` or below it (both absolute, real paths). */
function inside(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep);
}

/** The real path, or undefined when it cannot be resolved (missing, a loop: reported by the reader). */
function real(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * A topology file that is a symbolic link whose target (through any chain of links) lies outside
 * the folder that holds it: one line, without the target. Undefined for a file that is no link, a
 * link inside its folder, and a link that cannot be resolved (the reader reports it as missing or a
 * loop, without reading anything).
 */
export function linkProblem(file: string): string | undefined {
  if (fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() !== true) return undefined;
  const target = real(file);
  const folder = real(path.dirname(file));
  if (target === undefined || folder === undefined) return undefined;
  if (inside(target, folder)) return undefined;
  return `${printable(file)} is a symbolic link that leads outside ${printable(path.dirname(file))}: not read (a link must stay inside the folder it is in)`;
}

/**
 * A folder given that is itself a symbolic link (`topologies -> /etc`) and resolves outside the
 * working directory: one line. A folder named by its real path is read wherever it is.
 */
export function folderLinkProblem(dir: string): string | undefined {
  const bare = dir.length > 1 ? dir.replace(/\/+$/, '') || dir : dir;
  if (fs.lstatSync(bare, { throwIfNoEntry: false })?.isSymbolicLink() !== true) return undefined;
  const target = real(bare);
  const cwd = real(process.cwd());
  if (target === undefined || cwd === undefined || inside(target, cwd)) return undefined;
  return `${printable(dir)} is a symbolic link to a folder outside the working directory: not read (name the folder itself)`;
}

/**
 * A folder of topology files as the app takes it (UMS_TOPOLOGY_DIR): a problem line when `dir` is
 * missing, unreadable, or anything but a folder (a plain file, a FIFO, a device, a socket).
 */
export function folderProblem(dir: string, label: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    return `${label} ${printable(dir)}: ${describeFsError(err)}`;
  }
  if (!stat.isDirectory()) return `${label} ${printable(dir)} is ${stat.isFile() ? 'a file' : kind(stat)}, not a folder: name the folder of topology files`;
  const link = folderLinkProblem(dir);
  return link === undefined ? undefined : `${label} ${link}`;
}

export function expandInputs(paths: readonly string[]): Inputs {
  const files: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(file);
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      problems.push(`cannot read ${printable(p)}: ${describeFsError(err)}`);
      continue;
    }
    if (!stat.isDirectory()) {
      // Read (or refused, when it is not a regular file or a link out of its folder) by readTopology.
      add(p);
      continue;
    }
    const folderLink = folderLinkProblem(p);
    if (folderLink !== undefined) {
      problems.push(folderLink);
      continue;
    }
    let names: string[];
    try {
      names = fs.readdirSync(p);
    } catch (err) {
      problems.push(`cannot read directory ${printable(p)}: ${describeFsError(err)}`);
      continue;
    }
    const found = names.filter((n) => TOPOLOGY_FILE.test(n)).sort();
    if (found.length === 0) problems.push(`no *.yaml or *.yml files in ${printable(p)}`);
    for (const name of found) {
      const file = path.join(p, name);
      const link = linkProblem(file);
      if (link !== undefined) {
        problems.push(link);
        continue;
      }
      let entry: fs.Stats;
      try {
        entry = fs.statSync(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const link = fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() === true;
        if (link && code === 'ENOENT') problems.push(`${printable(file)} is a symbolic link to a missing file: skipped`);
        else problems.push(`cannot read ${printable(file)}: ${describeFsError(err)}: skipped`);
        continue;
      }
      if (entry.isFile()) add(file);
      else problems.push(`${printable(file)} is ${kind(entry)}, not a topology file: skipped`);
    }
  }
  return { files, problems };
}
