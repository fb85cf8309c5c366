/** What the reader (core/reader/validate.ts) takes and what it returns. */
import type { Finding } from '../base/findings';
import type { UmsHaTopologyDocument } from '../document/generated/topology-types';
import type { SourceMap } from '../document/source';
import type { ResolvedTopology } from '../model/model';

/** A topology as the reader takes it: a file's bytes, YAML text, or a value (from TypeScript) with its source map. */
export type TopologyInput =
  /** `size` is the file's size when `bytes` holds only its first bytes. */
  | { readonly bytes: Uint8Array; readonly size?: number }
  | { readonly text: string }
  /** Enters at the document stage; without `source`, every position is 0:0 (NO_SOURCE). */
  | { readonly value: unknown; readonly source?: SourceMap };

/** A warning the topology accepts in spec.exceptions, with the reviewers' reason. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly reason: string;
}

export interface ValidationResult {
  /** No error findings (warnings allowed). */
  readonly valid: boolean;
  /** Every finding, ordered by position (excepted warnings are in `suppressed` instead). */
  readonly findings: readonly Finding[];
  /** Warnings accepted by spec.exceptions, with their reasons. */
  readonly suppressed?: readonly SuppressedFinding[];
  /**
   * The topology as written; present when the file passed the schema. Frozen when read from a
   * file (validateText, validateBytes): copy it to change it.
   */
  readonly document?: UmsHaTopologyDocument;
  /** The topology after defaults and sizing; present when the file passed the schema. */
  readonly topology?: ResolvedTopology;
  /**
   * Where values are in the file (for findings of later checks, e.g. plan-update, or UMS-NET-004
   * across files); present whenever the file was read as YAML, also when it failed the schema.
   */
  readonly source?: SourceMap;
  /** The value the file holds, present whenever it was read as YAML (also when it failed the schema). */
  readonly value?: unknown;
}

export interface ValidateOptions {
  /** Also apply the rules of what synthesis can build (UMS-PLAT-*). */
  readonly synthesis?: boolean;
  /**
   * Try the fast reader (`fast-load.ts`) first; its value counts only when the file validates with
   * no finding, else the file is read again by the authoritative reader. `false` always uses the
   * authoritative reader (the tests do, to show that both give the same result).
   * @default true
   */
  readonly fastPath?: boolean;
}
