/**
 * Shell quoting for every command ums-ha prints or writes: the node settings file
 * (bootstrap/node-env.ts) and the commands in runbooks and change plans (core/reports/).
 * Every value is single-quoted (a ' becomes '\''), so no topology value is ever read as shell.
 */

/** Quotes a value for POSIX shells. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
