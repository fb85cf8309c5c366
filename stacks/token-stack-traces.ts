/**
 * cdktf records a complete stack trace for every token it creates (the provider bindings create
 * more than a dozen per VM), only to print it if that token later fails to resolve; formatting
 * those traces cost about a fifth of synthesis. cdktf has no switch for it (aws-cdk-lib, where the
 * code comes from, has CDK_DISABLE_STACK_TRACE), so while `fn` runs, a stack trace captured on a
 * plain object, which is how cdktf captures them, is formatted as an empty string. An Error keeps
 * its stack, formatted by the previous Error.prepareStackTrace or as V8 does by default, and the
 * previous hook is restored afterwards. `main.ts` skips this when UMS_HA_DEBUG is set.
 */
export function withoutTokenStackTraces<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (target, frames) => {
    if (!(target instanceof Error)) return '';
    if (previous) return previous(target, frames);
    return [Error.prototype.toString.call(target), ...frames.map((f) => `    at ${f}`)].join('\n');
  };
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
