/**
 * The rule catalog: every design rule, by family. Tests check that ids are unique, follow
 * UMS-<FAMILY>-NNN and appear in docs/rules.md, so the catalog and the docs cannot drift.
 */
import { SCHEMA_RULE_ID, YAML_RULE_ID } from '../base/findings';
import { cloudRules } from './cloud';
import { dbRules } from './db';
import { instRules } from './inst';
import { layoutRules } from './layout';
import { netRules, openingRules } from './net';
import { resRules } from './res';
import { platRules, stackPlatformRule } from './plat';
import { updRules } from './upd';
import { verRules } from './ver';
import type { DocumentRule, Rule, RuleMeta, SynthesisRule, TopologyRule, UpdateRule } from '../model/rule';
import { sizeRules } from './size';
import { xlbRules } from './xlb';
import { onPlatformRegistered, type PlatformEntry } from '../platform/registry';

export type { DocumentRule, Report, Rule, RuleMeta, SynthesisRule, TopologyContext, TopologyRule, UpdateContext, UpdateMethod, UpdateRule } from '../model/rule';

const coreRules: readonly Rule[] = [...sizeRules, ...layoutRules, ...resRules, ...netRules, ...openingRules, ...cloudRules, ...xlbRules, ...dbRules, ...verRules, ...instRules, ...platRules, ...updRules];

/**
 * All design rules, in catalog order: the core's families, then each registered platform's rules
 * (core/platform/registry.ts) in the order the platforms registered. The lists grow when a platform
 * registers, also after this module loaded.
 */
export const rules: readonly Rule[] = [...coreRules];
export const documentRules: readonly DocumentRule[] = coreRules.filter((r): r is DocumentRule => r.phase === 'document');
export const topologyRules: readonly TopologyRule[] = coreRules.filter((r): r is TopologyRule => r.phase === 'topology');
export const synthesisRules: readonly SynthesisRule[] = coreRules.filter((r): r is SynthesisRule => r.phase === 'synthesis');
export const updateRules: readonly UpdateRule[] = coreRules.filter((r): r is UpdateRule => r.phase === 'update');


/** The stages that are not design rules but still carry ids in findings. */
export const stageRules: readonly RuleMeta[] = [
  {
    id: YAML_RULE_ID,
    severity: 'error',
    seed: [],
    title: 'The file is one readable YAML document',
    explanation: 'YAML syntax errors, duplicate keys, an empty file, several documents, binary or non-UTF-8 content, or nesting beyond reason.',
  },
  {
    id: SCHEMA_RULE_ID,
    severity: 'error',
    seed: [],
    title: 'The file matches schemas/topology.schema.json',
    explanation: 'Unknown keys (typos), wrong types, values out of range, malformed addresses; an unquoted umsVersion such as 12.07 is read by YAML as a number.',
  },
];

/** Exceptions (spec.exceptions) are applied by the engine; their problems carry these ids. */
export const exceptionRules: readonly RuleMeta[] = [
  {
    id: 'UMS-EXC-001',
    severity: 'error',
    seed: [],
    title: 'Errors cannot be excepted',
    explanation: 'An error refuses the design; spec.exceptions may only accept warnings, each with a reason.',
  },
  {
    id: 'UMS-EXC-002',
    severity: 'warning',
    seed: [],
    title: 'Stale exception',
    explanation: 'An exception that no finding needs any more hides nothing and should be removed, so accepted risks stay current.',
  },
];

/** Checked by the constructs against the class they are (UMS-PLAT-005), not by the topology rules. */
export const constructRules: readonly RuleMeta[] = [stackPlatformRule];

/** Every id a finding can carry, with its metadata. */
export const catalog: readonly RuleMeta[] = [...stageRules, ...rules, ...constructRules, ...exceptionRules];

export function ruleMeta(id: string): RuleMeta | undefined {
  return catalog.find((r) => r.id === id);
}

/** A platform's rule, run only for topologies of that platform. */
function forPlatform<R extends TopologyRule | SynthesisRule>(entry: PlatformEntry, rule: R): R {
  return { ...rule, check: (ctx) => (ctx.topology.platform === entry.name ? rule.check(ctx) : []) };
}

onPlatformRegistered((entry) => {
  // Checked before any rule is added (the registry then leaves the platform out): a second rule
  // under an id would share its exceptions and its catalog entry with the first.
  const ids = (entry.rules ?? []).map((rule) => rule.id);
  const taken = ids.find((id, i) => ruleMeta(id) !== undefined || ids.indexOf(id) !== i);
  if (taken !== undefined) throw new Error(`platform ${entry.name}: rule id ${taken} is taken; give the platform's rules ids of their own (UMS-<FAMILY>-NNN, docs/platforms.md)`);
  for (const rule of entry.rules ?? []) {
    const own = forPlatform(entry, rule);
    (rules as Rule[]).push(own);
    if (own.phase === 'topology') (topologyRules as TopologyRule[]).push(own);
    else (synthesisRules as SynthesisRule[]).push(own);
    (catalog as RuleMeta[]).splice(catalog.length - exceptionRules.length - constructRules.length, 0, own);
  }
});
