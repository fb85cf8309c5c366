/**
 * The step of a runbook, shared by the update runbook (update.ts) and the change plan
 * (change-plan.ts): both build steps, the update runbook numbers them.
 */
export interface RunbookStep {
  readonly n: number;
  readonly phase: 'prepare' | 'update' | 'topology' | 'verify';
  readonly title: string;
  /** VM names the step runs on (empty: the UMS Console or the operator's machine). */
  readonly hosts: readonly string[];
  readonly details: readonly string[];
  readonly commands: readonly string[];
  /** What must hold before the next step. */
  readonly check?: string;
}

/** A runbook step before it is numbered. */
export type StepDraft = Omit<RunbookStep, 'n'>;

/** The drafts numbered in their order, from 1. */
export function numberSteps(drafts: readonly StepDraft[]): RunbookStep[] {
  return drafts.map((s, i) => ({ n: i + 1, ...s }));
}
