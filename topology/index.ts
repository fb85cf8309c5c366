/**
 * The ums-ha core: topology loading, schema, sizing, design rules. Free of cdktf, constructs and
 * any provider (a test enforces it), so `ums-ha validate` stays fast.
 */
export * from './findings';
export * from './model';
export { resolveTopology, defaultSizes, requiredServerDiskGb } from './resolve';
export { validateValue, validateText, validateBytes, formatFinding, type ValidationResult, type ValidateOptions } from './validate';
export { loadTopologyText, loadTopologyBytes, NO_SOURCE, type SourceMap, type Position } from './source';
export { catalog, rules, ruleMeta, type RuleMeta, type Rule } from './rules';
export { SEEDS } from './seeds';
