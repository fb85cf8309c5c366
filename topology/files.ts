/**
 * Turns the command's paths into topology files: a file stays, a directory expands to its *.yaml
 * and *.yml files (sorted, not recursive). What cannot be used is a problem line, never a throw.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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
      return 'too many symbolic links';
    default:
      return code ? `cannot be read (${code})` : 'cannot be read';
  }
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
      problems.push(`cannot read ${p}: ${describeFsError(err)}`);
      continue;
    }
    if (!stat.isDirectory()) {
      add(p);
      continue;
    }
    let names: string[];
    try {
      names = fs.readdirSync(p);
    } catch (err) {
      problems.push(`cannot read directory ${p}: ${describeFsError(err)}`);
      continue;
    }
    const found = names.filter((n) => TOPOLOGY_FILE.test(n)).sort();
    if (found.length === 0) problems.push(`no *.yaml or *.yml files in ${p}`);
    for (const name of found) {
      const file = path.join(p, name);
      if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) add(file);
    }
  }
  return { files, problems };
}
