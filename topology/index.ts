/**
 * The ums-ha core: topology loading, schema, sizing, design rules, the firewall matrix, the sizing
 * report and the update runbook. Free of cdktf, constructs and any provider (a test enforces it),
 * so `ums-ha validate` stays fast.
 */
export * from './findings';
export * from './model';
export { resolveTopology, defaultSizes, requiredServerDiskGb } from './resolve';
export { validateValue, validateText, validateBytes, formatFinding, type ValidationResult, type ValidateOptions, type SuppressedFinding } from './validate';
export { loadTopologyText, loadTopologyBytes, NO_SOURCE, type SourceMap, type Position } from './source';
export { catalog, rules, ruleMeta, type RuleMeta, type Rule, type UpdateMethod } from './rules';
export { staticMac } from './mac';
export { firewallMatrix, inboundRows, outboundRows, sourceAddresses, listeningPorts, expectedUnits, type FirewallRow, type Party } from './firewall';
export { buildReport, renderReportMarkdown, mermaidDiagram, type SizingReport } from './report';
export { writeSizingReport, writeStackFiles, SIZING_REPORT_FILES } from './report-files';
export { planUpdate, renderUpdateMarkdown, type UpdatePlan, type RunbookStep } from './update';
export { SEEDS } from './seeds';
