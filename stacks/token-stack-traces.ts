/**
 * cdktf records a complete stack trace for every token it creates (the provider bindings create
 * more than a dozen per VM), only to print it if that token later fails to resolve; capturing and
 * formatting those traces cost about a fifth of synthesis. cdktf has no switch for it (aws-cdk-lib,
 * where the code comes from, has CDK_DISABLE_STACK_TRACE). cdktf (like constructs) captures them
 * on plain objects, `Error.captureStackTrace({ stack: '' })`, so while `fn` runs a capture on
 * anything that is not an Error is skipped: the object keeps its empty stack, which cdktf reads as
 * "no trace". Errors keep their stacks, captured as before. The previous function is restored
 * afterwards. `main.ts` skips this when UMS_HA_DEBUG is set.
 */
export function withoutTokenStackTraces<T>(fn: () => T): T {
  const previous = Error.captureStackTrace;
  Error.captureStackTrace = function captureStackTrace(target: object, constructorOpt?: Function): void {
    // For an Error, capture as before; this wrapper's own frame is left out like V8 leaves out its.
    if (target instanceof Error) previous.call(Error, target, constructorOpt ?? captureStackTrace);
  };
  try {
    return fn();
  } finally {
    Error.captureStackTrace = previous;
  }
}
