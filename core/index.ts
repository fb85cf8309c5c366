/**
 * The ums-ha core: topology loading, schema, sizing, design rules, the firewall matrix, the sizing
 * report and the update runbook. Free of cdktf, constructs and any provider (a test enforces it),
 * so `ums-ha validate` stays fast. It knows platforms through the registry only
 * (platform/registry.ts): the package's entries (`ums-ha`, `ums-ha/core`: core-entry.ts) register
 * the built-in ones.
 */
export * from './base/findings';
export * from './model/model';
export { resolveTopology, defaultSizes, requiredServerDiskGb } from './model/resolve';
export { readInput, validateValue, validateText, validateBytes, formatFinding, type TopologyInput, type ValidationResult, type ValidateOptions, type SuppressedFinding } from './reader/validate';
export { loadTopologyText, loadTopologyBytes, NO_SOURCE, type SourceMap, type Position } from './document/source';
export { catalog, rules, ruleMeta, type RuleMeta, type Rule, type UpdateMethod } from './rules';
export { firewallMatrix, inboundRows, outboundRows, sourceAddresses, listeningPorts, expectedUnits, type FirewallRow, type Party } from './network/matrix';
export { buildReport, renderReportMarkdown, mermaidDiagram, type SizingReport } from './reports/report';
export { writeSizingReport, writeStackFiles, SIZING_REPORT_FILES } from './reports/report-files';
export { planUpdate, renderUpdateMarkdown, type UpdatePlan, type RunbookStep } from './reports/update';
export { SEEDS } from './model/seeds';
export { registerPlatform, platformEntry, registeredPlatforms, synthesizedPlatforms, defaultPlatform, type PlatformEntry, type PlatformBootstrap, type PlatformPlacement, type PlatformDeploy, type PlatformStackClass, type UserDataLimit, type SecretSource } from './platform/registry';
