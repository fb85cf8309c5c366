/**
 * One topology's failure never stops the others: a stack whose construction or synthesis throws
 * (a limit or a value no rule foresaw) is left out of the run with one line, and every other stack
 * is still written. The rules of `validate` are meant to refuse such a topology first; this is the
 * net behind them, so a stack trace never aborts the stacks of other topologies.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, type App } from 'cdktf';

/** The first line of what was thrown, for a one-line message (never a stack trace). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim().slice(0, 300);
}

/** Runs `construct`; when it throws, removes what it left under `id` in the app and reports it. */
export function constructIsolated(app: App, id: string, construct: () => void, onFail: (err: unknown) => void): boolean {
  try {
    construct();
    return true;
  } catch (err) {
    app.node.tryRemoveChild(id);
    onFail(err);
    return false;
  }
}

interface Session {
  readonly outdir: string;
  readonly manifest: { readonly stacks: Record<string, unknown> };
}

/**
 * Makes each stack of `app` prepare and synthesize on its own: a stack whose preparation or
 * synthesis throws leaves no folder and no manifest entry, and `onFail` is told its id (once);
 * `app.synth()` goes on with the next stack.
 */
export function isolateStackSynthesis(app: App, onFail: (id: string, err: unknown) => void): void {
  for (const stack of app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
    const inner = stack.synthesizer;
    // app.synth() prepares every stack (a first resolve of every element), then synthesizes each.
    const prepare = stack.prepareStack.bind(stack);
    let failed = false;
    stack.prepareStack = () => {
      try {
        prepare();
      } catch (err) {
        failed = true;
        onFail(stack.node.id, err);
      }
    };
    stack.synthesizer = {
      synthesize(session: Session) {
        if (failed) return;
        try {
          inner.synthesize(session as Parameters<typeof inner.synthesize>[0]);
        } catch (err) {
          const id = stack.node.id;
          delete session.manifest.stacks[id];
          fs.rmSync(path.join(session.outdir, 'stacks', id), { recursive: true, force: true });
          onFail(id, err);
        }
      },
    } as typeof inner;
  }
}
