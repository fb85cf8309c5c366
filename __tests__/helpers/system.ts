import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The install command of scripts/debian-packages.txt, the one list of the tests' Debian tools. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installCommand } = require(path.join(__dirname, '..', '..', 'scripts', 'check-tools.js')) as { installCommand(): string };

/**
 * Fails the test file (never skips it) when a system tool is missing: .ci/run installs them, and
 * a test that silently skips would hide a broken CI machine.
 */
export function requireTools(...tools: string[]): void {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) {
    throw new Error(`required tool(s) missing: ${missing.join(', ')} (npm test installs them as root; or, as root: ${installCommand()})`);
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
