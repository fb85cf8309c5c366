import { spawnSync } from 'node:child_process';

/**
 * Fails the test file (never skips it) when a system tool is missing: .ci/run installs them, and
 * a test that silently skips would hide a broken CI machine.
 */
export function requireTools(...tools: string[]): void {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) {
    throw new Error(`required tool(s) missing: ${missing.join(', ')} (bash .ci/run installs them; on Debian: apt-get install cloud-init shellcheck nftables iproute2 expect curl socat)`);
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
