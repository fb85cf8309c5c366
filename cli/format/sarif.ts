/** SARIF 2.1.0: one run, every rule of the catalog with its metadata, results with physical locations. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { printableJson } from '../../core/base/findings';
import { catalog } from '../../core/rules';
import { packageInfo } from '../package-info';
import type { FileResult } from './file-result';

const SEVERITY_LEVEL = { error: 'error', warning: 'warning' } as const;

/** A relative path becomes a relative URI reference (resolved against the repository root). */
function artifactUri(file: string): string {
  if (path.isAbsolute(file)) return pathToFileURL(path.resolve(file)).href;
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

function ruleName(id: string): string {
  return id
    .split('-')
    .map((p) => p.charAt(0) + p.slice(1).toLowerCase())
    .join('');
}

export function formatSarif(results: readonly FileResult[]): string {
  const index = new Map(catalog.map((r, i) => [r.id, i]));
  const rules = catalog.map((r) => ({
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.explanation },
    help: {
      text: `${r.explanation}${r.seed.length > 0 ? ` Source: ${r.seed.join(', ')}.` : ''} See docs/rules.md.`,
    },
    defaultConfiguration: { level: SEVERITY_LEVEL[r.severity] },
    properties: { seed: [...r.seed] },
  }));
  const sarifResults = results.flatMap(({ file, result }) =>
    [...result.findings.map((f) => ({ f, reason: undefined as string | undefined })), ...(result.suppressed ?? []).map((s) => ({ f: s.finding, reason: s.reason }))].map(({ f, reason }) => ({
      ruleId: f.ruleId,
      ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
      level: SEVERITY_LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(file) },
            ...(f.line > 0 ? { region: { startLine: f.line, startColumn: Math.max(1, f.column) } } : {}),
          },
          logicalLocations: [{ fullyQualifiedName: f.path || '/', kind: 'member' }],
        },
      ],
      // An accepted warning (spec.exceptions) stays visible to code scanning, marked suppressed.
      ...(reason !== undefined ? { suppressions: [{ kind: 'inSource', justification: reason }] } : {}),
    })),
  );
  const { name, version } = packageInfo();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name, version, semanticVersion: version, rules } },
        results: sarifResults,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return `${printableJson(log)}\n`;
}
