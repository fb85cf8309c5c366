/**
 * The cdktf app (cdktf.json "app" and `npm run synth` run it through bin/ums-ha-app.js, which loads
 * this file bundled with the core as dist/ums-ha-app.js): one stack per topology file in
 * UMS_TOPOLOGY_DIR (default topologies/), named after metadata.name. Every file is validated first
 * with the CLI's rules and messages; a topology with an error finding gets no stack, its stale
 * output is removed, and the run exits non-zero. The other topologies are still synthesized.
 *
 * Environment:
 *   UMS_TOPOLOGY_DIR     folder of topology files (default topologies)
 *   UMS_HA_DEPLOY_PHASE  first-server | all (default all); see the README, "Deploy order"
 *   UMS_HA_BACKEND_FILE  JSON file {"type": "s3", "config": {...}} for every stack's backend;
 *                        "{stack}" in a value becomes the stack name (default: local state)
 *   CDKTF_OUTDIR         output folder (set by the cdktf CLI; default cdktf.out)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { expandInputs, describeFsError } from './topology/files';
import { readTopology } from './topology/read';
import type { DeployPhase } from './constructs/ums-ha-topology';
import { UmsHaStack, type BackendConfig } from './stacks/ums-ha-stack';
import { withoutTokenStackTraces } from './stacks/token-stack-traces';
import type { UmsHaTopologyDocument } from './topology/generated/topology-types';
import { buildReport, renderReportMarkdown } from './topology/report';
import { writeExternalLoadBalancer } from './topology/external-lb';
import { formatFinding, type ValidationResult } from './topology/validate';

export interface SynthesizeOptions {
  /** Folder of topology files. */
  readonly topologyDir: string;
  /** Output folder. @default - CDKTF_OUTDIR, else cdktf.out */
  readonly outdir?: string;
  /** @default 'all' */
  readonly deployPhase?: DeployPhase;
  /** @default - local state */
  readonly backend?: BackendConfig;
  /** Where messages go. @default process.stderr */
  readonly log?: (line: string) => void;
}

export interface SynthesizeResult {
  /** 0 every topology synthesized, 1 a topology was refused, 2 a usage or input problem. */
  readonly code: number;
  /** Names of the stacks written. */
  readonly stacks: readonly string[];
  readonly outdir: string;
}

const DEPLOY_PHASES: readonly DeployPhase[] = ['first-server', 'all'];

function nameOf(value: unknown): string | undefined {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) ? name : undefined;
}

export function synthesize(options: SynthesizeOptions): SynthesizeResult {
  return process.env.UMS_HA_DEBUG !== undefined ? synthesizeAll(options) : withoutTokenStackTraces(() => synthesizeAll(options));
}

function synthesizeAll(options: SynthesizeOptions): SynthesizeResult {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  // Construct stack traces in metadata serve cdktf's own debugging; ums-ha's messages point at the
  // topology file instead, and recording them costs a large share of synthesis time.
  const app = new App({ stackTraces: process.env.UMS_HA_DEBUG !== undefined, ...(options.outdir !== undefined ? { outdir: options.outdir } : {}) });
  const { files, problems } = expandInputs([options.topologyDir]);
  for (const p of problems) log(`ums-ha: ${p}`);
  if (problems.length > 0) return { code: 2, stacks: [], outdir: app.outdir };

  let refused = 0;
  const refuse = (name: string | undefined) => {
    refused++;
    // Nothing half-written: a refused topology keeps no output from an earlier synthesis.
    if (name) fs.rmSync(path.join(app.outdir, 'stacks', name), { recursive: true, force: true });
  };
  const byName = new Map<string, string>();
  const stacks: string[] = [];
  const reports: Array<{ name: string; file: string; result: ValidationResult }> = [];
  for (const file of files) {
    const read = readTopology(file, { synthesis: true });
    if ('problem' in read) {
      log(`ums-ha: ${read.problem}`);
      refused++;
      continue;
    }
    const { result } = read;
    for (const f of result.findings) log(formatFinding(file, f));
    const name = nameOf(result.value);
    if (!result.valid || !result.document || !result.source || !name) {
      log(`ums-ha: ${file}: not synthesized (fix the errors above)`);
      refuse(name);
      continue;
    }
    const other = byName.get(name);
    if (other !== undefined) {
      const at = result.source.locate('/metadata/name');
      log(`${file}:${at.line}:${at.column} error UMS-NET-004 metadata.name ${name} is also the name of ${other}: every topology needs its own name (it names the stack and every VM)`);
      refuse(undefined);
      continue;
    }
    byName.set(name, file);
    new UmsHaStack(app, name, {
      topology: result.document as UmsHaTopologyDocument,
      sourceFile: file,
      sourceMap: result.source,
      deployPhase: options.deployPhase,
      backend: options.backend,
    });
    stacks.push(name);
    reports.push({ name, file, result });
  }
  app.synth();
  // The sizing review beside each stack, for reviewers of the synthesized output.
  for (const { name, file, result } of reports) {
    const report = buildReport(result);
    if (!report) continue;
    const dir = path.join(app.outdir, 'stacks', name);
    fs.writeFileSync(path.join(dir, 'sizing-report.md'), renderReportMarkdown(report));
    fs.writeFileSync(path.join(dir, 'sizing-report.json'), `${JSON.stringify({ file, ...report }, null, 2)}\n`);
    // loadBalancing external: the load balancer's HAProxy configuration (docs/external-load-balancer.md).
    if (result.topology) writeExternalLoadBalancer(dir, result.topology);
  }
  return { code: refused > 0 ? 1 : 0, stacks, outdir: app.outdir };
}

/** Reads UMS_HA_BACKEND_FILE; a problem is one line for the user. */
export function readBackendFile(file: string): BackendConfig | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return `UMS_HA_BACKEND_FILE ${file}: ${err instanceof SyntaxError ? `not JSON (${err.message})` : describeFsError(err)}`;
  }
  const b = parsed as { type?: unknown; config?: unknown };
  if (typeof b?.type !== 'string' || !/^[a-z0-9_]+$/.test(b.type) || !b.config || typeof b.config !== 'object' || Array.isArray(b.config)) {
    return `UMS_HA_BACKEND_FILE ${file}: expected {"type": "<backend type>", "config": {...}}`;
  }
  return { type: b.type, config: b.config as Record<string, unknown> };
}

/** Runs the app as cdktf runs it: settings from the environment, the exit code in process.exitCode. */
export function runApp(): void {
  const phase = (process.env.UMS_HA_DEPLOY_PHASE ?? 'all') as DeployPhase;
  const backend = process.env.UMS_HA_BACKEND_FILE ? readBackendFile(process.env.UMS_HA_BACKEND_FILE) : undefined;
  if (!DEPLOY_PHASES.includes(phase)) {
    process.stderr.write(`ums-ha: UMS_HA_DEPLOY_PHASE must be first-server or all, not ${JSON.stringify(phase)}\n`);
    process.exitCode = 2;
  } else if (typeof backend === 'string') {
    process.stderr.write(`ums-ha: ${backend}\n`);
    process.exitCode = 2;
  } else {
    const result = synthesize({ topologyDir: process.env.UMS_TOPOLOGY_DIR ?? 'topologies', deployPhase: phase, backend });
    if (result.stacks.length > 0) process.stdout.write(`ums-ha: synthesized ${result.stacks.join(', ')} into ${path.relative(process.cwd(), result.outdir) || '.'}\n`);
    process.exitCode = result.code;
  }
}

if (require.main === module) runApp();
