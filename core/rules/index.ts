/**
 * The rule catalog: every design rule, by family. Tests check that ids are unique, follow
 * UMS-<FAMILY>-NNN and appear in docs/rules.md, so the catalog and the docs cannot drift.
 */
import { SCHEMA_RULE_ID, YAML_RULE_ID } from '../base/findings';
import { awsRules } from '../../platforms/aws/rules';
import { cloudRules } from './cloud';
import { dbRules } from './db';
import { instRules } from './inst';
import { layoutRules } from './layout';
import { netRules, openingRules } from './net';
import { resRules } from './res';
import { platRules, stackPlatformRule } from './plat';
import { updRules } from './upd';
import { verRules } from './ver';
import type { DocumentRule, Rule, RuleMeta, SynthesisRule, TopologyRule, UpdateRule } from './rule';
import { sizeRules } from './size';
import { xlbRules } from './xlb';

export type { DocumentRule, Report, Rule, RuleMeta, SynthesisRule, TopologyContext, TopologyRule, UpdateContext, UpdateMethod, UpdateRule } from './rule';

/** All design rules, in catalog order. */
export const rules: readonly Rule[] = [...sizeRules, ...layoutRules, ...resRules, ...netRules, ...openingRules, ...cloudRules, ...xlbRules, ...awsRules, ...dbRules, ...verRules, ...instRules, ...platRules, ...updRules];

export const documentRules: readonly DocumentRule[] = rules.filter((r): r is DocumentRule => r.phase === 'document');
export const topologyRules: readonly TopologyRule[] = rules.filter((r): r is TopologyRule => r.phase === 'topology');
export const synthesisRules: readonly SynthesisRule[] = rules.filter((r): r is SynthesisRule => r.phase === 'synthesis');
export const updateRules: readonly UpdateRule[] = rules.filter((r): r is UpdateRule => r.phase === 'update');

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
