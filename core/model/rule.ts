/**
 * The shape of a design rule, after ESLint rule modules and cdk-nag rules: metadata (stable id,
 * severity, the seed documents it rests on, what it checks and why) plus a pure check that returns
 * reports. The engine (../validate.ts) adds the rule id, severity and file position.
 */
import type { Severity } from '../base/findings';
import type { UmsHaTopologyDocument } from '../document/generated/topology-types';
import type { ResolvedTopology } from './model';
import type { SeedFile } from './seeds';

export interface RuleMeta {
  /** Stable id `UMS-<FAMILY>-NNN`; never reused. */
  readonly id: string;
  readonly severity: Severity;
  /** The IGEL documents the rule encodes (empty for rules of sound practice with no IGEL source). */
  readonly seed: readonly SeedFile[];
  /** One line: what the rule checks (SARIF shortDescription, docs/rules.md). */
  readonly title: string;
  /** Why it matters (SARIF fullDescription, docs/rules.md). */
  readonly explanation: string;
}

/** What a check reports: where (JSON pointer) and what to change. */
export interface Report {
  readonly path: string;
  readonly message: string;
  /** Point at the mapping key rather than its value (e.g. a key that must go). */
  readonly key?: boolean;
}

export interface TopologyContext {
  /** The topology as written (after the schema check). */
  readonly doc: UmsHaTopologyDocument;
  /** The topology after defaults and sizing. */
  readonly topology: ResolvedTopology;
}

/** A rule over the resolved topology: runs when the file passed the schema. */
export interface TopologyRule extends RuleMeta {
  readonly phase: 'topology';
  check(ctx: TopologyContext): Report[];
}

/** A rule over the raw parsed document: runs before the schema (it must accept any value). */
export interface DocumentRule extends RuleMeta {
  readonly phase: 'document';
  check(value: unknown): Report[];
}

/**
 * A rule of what synthesis can build (not of the design): runs only when a stack is synthesized,
 * so `validate` and the report still work for such a topology.
 */
export interface SynthesisRule extends RuleMeta {
  readonly phase: 'synthesis';
  check(ctx: TopologyContext): Report[];
}

/** Which update procedure the runbook follows (seed 004: with short downtime, recommended; without downtime). */
export type UpdateMethod = 'short-downtime' | 'no-downtime';

/** What the update rules compare: the deployed network and the proposed one. */
export interface UpdateContext {
  readonly deployed: ResolvedTopology;
  readonly proposed: ResolvedTopology;
  readonly method: UpdateMethod;
}

/** A rule over a version or topology change (`ums-ha plan-update`); paths point into the proposed file. */
export interface UpdateRule extends RuleMeta {
  readonly phase: 'update';
  check(ctx: UpdateContext): Report[];
}

export type Rule = TopologyRule | DocumentRule | SynthesisRule | UpdateRule;
