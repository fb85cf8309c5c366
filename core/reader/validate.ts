/**
 * The reader: the one entry every caller shares (the CLI's commands and the cdktf app through
 * readTopology, the constructs through validateValue, the tests and the bench through both), a
 * short pipeline of named stages, one call each:
 *
 *   bytes -> decode -> text checks -> parse (fast, else authoritative) -> document rules -> schema
 *         -> resolve -> design rules -> synthesis rules -> exceptions -> result
 *
 * Text enters after decode, a value from TypeScript at the document rules. Later stages run only
 * when the earlier ones let them: the resolved topology exists whenever the file parsed and passed
 * the schema, even when design rules fail. The fast reader (core/document/fast-load.ts) is an
 * implementation detail of the parse stage: its value counts only when the whole file validates
 * with no finding, so every finding and position comes from the authoritative reader.
 */
import { printable, type Finding } from '../base/findings';
import { fastLoad } from '../document/fast-load';
import type { UmsHaTopologyDocument } from '../document/generated/topology-types';
import { checkSchema } from '../document/schema';
import { decodeTopologyBytes, deferredSourceMap, NO_SOURCE, parseTopologyText, precheckTopologyText, type SourceMap } from '../document/source';
import { resolveTopology } from '../model/resolve';
import { synthesisRules, topologyRules } from '../rules';
import type { TopologyInput, ValidateOptions, ValidationResult } from './result';
import { applyExceptions, checkDocumentRules, checkTopologyRules, finish, firstSyntaxError, recall, record } from './stages';

export type { SuppressedFinding, TopologyInput, ValidateOptions, ValidationResult } from './result';

/**
 * The one reader entry: bytes, text or a value in; findings, the document, the source map and the
 * resolved topology out. Never throws for bad input. A result read from bytes or text is returned
 * frozen and recorded by its value: reading that value again with the same source map and
 * `synthesis` option returns the same result.
 */
export function readInput(input: TopologyInput, options: ValidateOptions = {}): ValidationResult {
  if ('value' in input) {
    const source = input.source ?? NO_SOURCE;
    return recall(input.value, source, options) ?? checkValue(input.value, source, options);
  }
  const decoded = 'text' in input ? { ok: true as const, text: input.text } : decodeTopologyBytes(input.bytes, input.size ?? input.bytes.length);
  if (!decoded.ok) return finish(decoded.findings);
  const refused = precheckTopologyText(decoded.text);
  if (refused) return finish(refused);
  const clean = options.fastPath === false ? undefined : readClean(decoded.text, options);
  if (clean) return record(clean, options);
  const parsed = parseTopologyText(decoded.text);
  if (!parsed.ok) return finish(firstSyntaxError(parsed.findings));
  return record(checkValue(parsed.value, parsed.source, options), options);
}

/** The stages from the value on: document rules, schema, resolve, design and synthesis rules, exceptions. */
function checkValue(value: unknown, source: SourceMap, options: ValidateOptions): ValidationResult {
  const documentFindings = checkDocumentRules(value, source);
  const schema = checkSchema(value, source, documentFindings.reported);
  const findings = [...documentFindings.findings, ...schema.findings];
  if (!schema.passed) return finish(findings, { value, source });
  const document = value as UmsHaTopologyDocument;
  const topology = resolveTopology(document);
  findings.push(...checkTopologyRules(topologyRules, document, topology, source));
  if (options.synthesis) findings.push(...checkTopologyRules(synthesisRules, document, topology, source));
  const excepted = applyExceptions(document, findings, source);
  return finish(excepted.findings, { document, topology, source, value, ...(excepted.suppressed.length > 0 ? { suppressed: excepted.suppressed } : {}) });
}

/**
 * The fast path of the parse stage: the fast reader's value, if it has one and it validates with no
 * finding at all (no warning, no excepted warning); its source map is built by the authoritative
 * reader when first asked. Undefined sends the file to the authoritative reader.
 */
function readClean(text: string, options: ValidateOptions): ValidationResult | undefined {
  const fast = fastLoad(text);
  if (!fast) return undefined;
  const result = checkValue(fast.value, NO_SOURCE, options);
  if (result.findings.length > 0 || result.suppressed) return undefined;
  return { ...result, source: deferredSourceMap(text) };
}

/**
 * Validates a parsed value (from YAML or from code) with its source map. A value that
 * validateText or validateBytes returned (frozen) gives the result they gave, if the source map
 * and `synthesis` are the same.
 */
export function validateValue(value: unknown, source: SourceMap = NO_SOURCE, options: ValidateOptions = {}): ValidationResult {
  return readInput({ value, source }, options);
}

/** Validates YAML text. The value read (`value`, `document`) and `topology` are returned frozen. */
export function validateText(text: string, options: ValidateOptions = {}): ValidationResult {
  return readInput({ text }, options);
}

/**
 * Validates the raw bytes of a file (size, binary and encoding checks first), as validateText;
 * `size` is the file's size when `bytes` holds only its first bytes.
 */
export function validateBytes(bytes: Uint8Array, options: ValidateOptions = {}, size = bytes.length): ValidationResult {
  return readInput({ bytes, size }, options);
}

/** One finding as `FILE:LINE:COLUMN severity RULE-ID message`, the line the CLI and synthesis print. */
export function formatFinding(file: string, f: Finding): string {
  // Control characters from the file (a key name) or its name are escaped: one finding, one line.
  return `${printable(file)}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${printable(f.message)}`;
}
