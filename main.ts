/**
 * The cdktf app (cdktf.json "app" and `npm run synth` run it through bin/ums-ha-app.js, which loads
 * this file bundled with the core as dist/ums-ha-app.js): one stack per topology file in
 * UMS_TOPOLOGY_DIR (default topologies/), named after metadata.name. Every file is validated first
 * with the CLI's rules and messages (and, as `validate`, two files with one metadata.name are
 * UMS-NET-004); a topology with an error finding gets no stack, its last good output stays, and
 * the run exits non-zero. The other topologies are still synthesized.
 *
 * Environment:
 *   UMS_TOPOLOGY_DIR     folder of topology files (default topologies)
 *   UMS_HA_DEPLOY_PHASE  first-server | all (default all); see the README, "Deploy order"
 *   UMS_HA_BACKEND_FILE  JSON file {"type": "s3", "config": {...}} for every stack's backend;
 *                        "{stack}" in a value becomes the stack name (default: local state)
 *   CDKTF_OUTDIR         output folder (set by the cdktf CLI; default cdktf.out); ums-ha creates
 *                        it, not its parents; an existing one must be empty or ums-ha's output
 *   UMS_HA_LOCK_WAIT     seconds a synthesis waits for another one writing the same output folder
 *                        (default 300), then gives up
 *
 * Output (app/outdir.ts): every run writes into a temporary folder and renames each finished
 * stack folder into place, so each stack folder is from one run; after a run without errors
 * stacks/ holds exactly this run's stacks, and no folder with Terraform state is ever deleted (it
 * moves to retired/). One process at a time writes an output folder (runApp holds a flock lock).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import './platforms';
import { defaultPlatform, platformEntry } from './core/platform/registry';
import { expandInputs, folderProblem } from './core/document/files';
import { readTopology } from './core/reader/read';
import { withDuplicateNames } from './core/reader/duplicate-names';
import type { DeployPhase } from './platforms/vsphere/constructs/ums-ha-topology';
import type { BackendConfig, UmsHaStackProps } from './platforms/vsphere/stack';
import { withoutTokenStackTraces } from './stacks/token-stack-traces';
import { lockOutdir, makeTempOutdir, prepareOutdir, publishOutdir, RETIRED, type LeftOver } from './app/outdir';
import { readBackendFile } from './app/backend-file';
import { cdktfCliCommand, deployedStacks, isDeploy, localStateWarning, runByCdktfCli } from './app/cdktf-cli';
import { constructIsolated, firstLine, isolateStackSynthesis } from './app/isolate';
import { printable } from './core/base/findings';
import type { UmsHaTopologyDocument } from './core/document/generated/topology-types';
import { formatFinding, type ValidationResult } from './core/reader/validate';

export { readBackendFile } from './app/backend-file';

export interface SynthesizeOptions {
  /** Folder of topology files. */
  readonly topologyDir: string;
  /** Output folder. @default - CDKTF_OUTDIR, else cdktf.out */
  readonly outdir?: string;
  /** @default 'all' */
  readonly deployPhase?: DeployPhase;
  /** @default - local state, terraform.<stack>.tfstate in the working directory */
  readonly backend?: BackendConfig;
  /** Where messages go: errors, and every line without {@link info}. @default process.stderr */
  readonly log?: (line: string) => void;
  /**
   * Where informational lines go (a stale stack folder removed or left alone) and, with
   * {@link warningsAsAnnotations}, the warnings of a refused topology. @default log
   */
  readonly info?: (line: string) => void;
  /**
   * A synthesized topology's warnings are not logged: its stack carries each as a cdktf warning
   * annotation, which the cdktf CLI prints once after the run. @default false
   */
  readonly warningsAsAnnotations?: boolean;
}

export interface SynthesizeResult {
  /** 0 every topology synthesized, 1 a topology was refused, 2 a usage or input problem. */
  readonly code: number;
  /** Names of the stacks written. */
  readonly stacks: readonly string[];
  /** The platform of each stack written (`vsphere`, `aws`). */
  readonly platforms: Readonly<Record<string, string>>;
  readonly outdir: string;
}

const DEPLOY_PHASES: readonly DeployPhase[] = ['first-server', 'all'];

function nameOf(value: unknown): string | undefined {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) ? name : undefined;
}

/** The output folder these options write: options.outdir, else CDKTF_OUTDIR, else cdktf.out. */
export function outdirOf(options: Pick<SynthesizeOptions, 'outdir'>): string {
  return options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
}

type StackClass = new (scope: App, id: string, props: UmsHaStackProps) => unknown;

/**
 * The stack class of a topology's platform, from its registry entry (core/platform/registry.ts).
 * Each platform's stack (and its provider bindings) loads only when a topology is for it, so an
 * app of vSphere files alone never reads the AWS bindings. UMS-PLAT-001 refused a platform without one.
 */
function stackClass(doc: UmsHaTopologyDocument): StackClass {
  const platform = doc.spec.platform ?? defaultPlatform();
  const load = platformEntry(platform)?.loadStack;
  if (!load) throw new Error(`platform ${platform} has no stack`);
  return load() as unknown as StackClass;
}

export function synthesize(options: SynthesizeOptions): SynthesizeResult {
  return process.env.UMS_HA_DEBUG !== undefined ? synthesizeAll(options) : withoutTokenStackTraces(() => synthesizeAll(options));
}

/** A topology accepted for synthesis: its stack and what is written beside it. */
interface AcceptedTopology {
  readonly name: string;
  readonly file: string;
  readonly result: ValidationResult;
}

/** A refused topology: its file, and its stack name when the file names one. */
interface RefusedTopology {
  readonly file: string;
  readonly name?: string;
}

/**
 * Reads and validates every file; the topologies that get a stack, and those refused.
 * Findings go to `log`; with `warningsAsAnnotations` a synthesized topology's warnings are left to
 * its stack's annotations, and a refused one's go to `info` (only its errors are errors).
 */
function acceptTopologies(
  files: readonly string[],
  log: (line: string) => void,
  info: (line: string) => void,
  warningsAsAnnotations: boolean,
): { accepted: AcceptedTopology[]; refused: RefusedTopology[] } {
  const refused: RefusedTopology[] = [];
  const read: Array<{ file: string; result: ValidationResult }> = [];
  for (const file of files) {
    const r = readTopology(file, { synthesis: true });
    if ('problem' in r) {
      log(`ums-ha: ${r.problem}`);
      refused.push({ file });
    } else read.push({ file, result: r.result });
  }
  const accepted: AcceptedTopology[] = [];
  // Two files with one metadata.name: the later ones are refused, as `validate` reports them.
  for (const { file, result } of withDuplicateNames(read)) {
    const name = nameOf(result.value);
    const refuse = !result.valid || !result.document || !result.source || !name;
    for (const f of result.findings) {
      if (!warningsAsAnnotations || f.severity === 'error') log(formatFinding(file, f));
      else if (refuse) info(formatFinding(file, f));
    }
    if (refuse) {
      log(`ums-ha: ${printable(file)}: not synthesized (fix the errors above)`);
      refused.push({ file, ...(name !== undefined ? { name } : {}) });
      continue;
    }
    accepted.push({ name, file, result });
  }
  return { accepted, refused };
}

/**
 * Run by the cdktf CLI (`cdktf synth`, `deploy`, `diff`; CDK Terrain's `cdktn` alike), which sets
 * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS for the app it runs. The CLI lists the folders of
 * stacks/ before the run and removes afterwards those the manifest does not name.
 */
function underCdktfCli(): boolean {
  return process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

/** One line per entry of stacks/ this run did not write. */
function leftOverLine(item: LeftOver, stacksShown: string, outdirShown: string): string {
  // Entry names under stacks/ may be anyone's: printed escaped, as file names are.
  const at = path.join(stacksShown, printable(item.name));
  switch (item.what) {
    case 'removed':
      return `ums-ha: removed ${at}: no topology of this run synthesizes it (its Terraform state, if it was deployed, is not touched)`;
    case 'left-to-cli':
      return `ums-ha: ${at}: no topology of this run synthesizes it; the cdktf CLI removes it after this run`;
    case 'retired':
      return `ums-ha: moved ${at} to ${path.join(outdirShown, RETIRED, printable(item.to))}, not deleted: no topology of this run synthesizes it, and ${item.stateLike !== undefined ? `it holds Terraform state or working files (${item.stateLike})` : 'it is no stack folder (no cdk.tf.json or cdk.tf), so no synthesis wrote it'}`;
    case 'kept':
      return `ums-ha: kept ${at} as the last good output${item.source !== undefined ? ` of ${printable(item.source)}` : ''}: its topology is refused in this run`;
    case 'kept-refused-run':
      return `ums-ha: left ${at} in place: no topology of this run synthesizes it, but this run refused a topology, so no stack folder is removed`;
    default:
      return `ums-ha: left ${at} alone: it is no folder, so no synthesis wrote it`;
  }
}

function synthesizeAll(options: SynthesizeOptions): SynthesizeResult {
  // One escaping path for every line: file names and messages can neither end a line nor forge an annotation.
  const write = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const log = (line: string) => write(printable(line));
  const info = options.info ? (line: string) => options.info!(printable(line)) : log;
  const outdir = outdirOf(options);
  const outdirProblem = prepareOutdir(outdir, options.outdir !== undefined ? 'the output folder' : 'CDKTF_OUTDIR');
  if (outdirProblem !== undefined) {
    log(`ums-ha: ${outdirProblem}`);
    return { code: 2, stacks: [], platforms: {}, outdir };
  }
  const dirProblem = folderProblem(options.topologyDir, 'the topology folder');
  if (dirProblem !== undefined) {
    log(`ums-ha: ${dirProblem}`);
    return { code: 2, stacks: [], platforms: {}, outdir };
  }
  const { files, problems } = expandInputs([options.topologyDir]);
  for (const p of problems) log(`ums-ha: ${p}`);
  if (problems.length > 0) return { code: 2, stacks: [], platforms: {}, outdir };

  const { accepted, refused } = acceptTopologies(files, log, info, options.warningsAsAnnotations === true);
  let written: AcceptedTopology[] = [];
  const temp = makeTempOutdir(outdir);
  try {
    // Construct stack traces in metadata serve cdktf's own debugging; ums-ha's messages point at the
    // topology file instead, and recording them costs a large share of synthesis time.
    const app = new App({ stackTraces: process.env.UMS_HA_DEBUG !== undefined, outdir: temp });
    // A stack that cannot be built or synthesized is left out with one line; the others are written.
    const failed = new Set<string>();
    const fail = (stack: AcceptedTopology, err: unknown) => {
      failed.add(stack.name);
      log(`ums-ha: ${stack.file}: not synthesized: ${firstLine(err)}`);
      if (process.env.UMS_HA_DEBUG !== undefined && err instanceof Error) write(String(err.stack));
    };
    for (const stack of accepted) {
      // Terraform runs in the stack's folder: local state in the working directory, named relative to
      // that folder, so the stack works from another checkout or a CI runner.
      const localStatePath = path.relative(path.resolve(outdir, 'stacks', stack.name), path.resolve(`terraform.${stack.name}.tfstate`));
      const build = () =>
        new (stackClass(stack.result.document as UmsHaTopologyDocument))(app, stack.name, {
          topology: stack.result.document as UmsHaTopologyDocument,
          sourceFile: stack.file,
          sourceMap: stack.result.source,
          deployPhase: options.deployPhase,
          ...(options.backend ? { backend: options.backend } : { localStatePath }),
        });
      constructIsolated(app, stack.name, build, (err) => fail(stack, err));
    }
    isolateStackSynthesis(app, (id, err) => fail(accepted.find((s) => s.name === id)!, err));
    app.synth();
    written = accepted.filter((s) => !failed.has(s.name));
    // A stack that failed to build keeps its last good output, as a refused topology's does.
    const notWritten: RefusedTopology[] = [...refused, ...accepted.filter((s) => failed.has(s.name)).map((s) => ({ file: s.file, name: s.name }))];
    const leftOver = publishOutdir(temp, outdir, {
      stacks: written.map((s) => ({ name: s.name, file: s.file })),
      refused: notWritten,
      anyRefused: notWritten.length > 0,
      underCdktfCli: underCdktfCli(),
    });
    const outdirShown = path.relative(process.cwd(), outdir) || '.';
    const shown = path.join(outdirShown, 'stacks');
    for (const item of leftOver) info(leftOverLine(item, printable(shown), printable(outdirShown)));
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  const stacks = written.map((s) => s.name);
  const platforms = Object.fromEntries(written.map((s) => [s.name, (s.result.document as UmsHaTopologyDocument).spec.platform ?? defaultPlatform()]));
  return { code: refused.length > 0 || written.length < accepted.length ? 1 : 0, stacks, platforms, outdir };
}

/**
 * Where the local backend keeps a stack's state: terraform.<stack>.tfstate in the working directory,
 * or the `path` of a backend file of type local (`{stack}` replaced), relative to the stack folder.
 */
function localStateFile(stack: string, outdir: string, backend: BackendConfig | undefined): string {
  if (!backend) return path.resolve(`terraform.${stack}.tfstate`);
  const configured = backend.config.path;
  return path.resolve(outdir, 'stacks', stack, typeof configured === 'string' ? configured.split('{stack}').join(stack) : 'terraform.tfstate');
}

/** Seconds to wait for another synthesis writing the same output folder (UMS_HA_LOCK_WAIT). */
function lockWait(): number | string {
  const raw = process.env.UMS_HA_LOCK_WAIT;
  if (raw === undefined) return 300;
  // The value is not repeated: a value that fails a check is never echoed (it may be anything).
  return /^\d{1,6}$/.test(raw) ? Number(raw) : 'UMS_HA_LOCK_WAIT must be a whole number of seconds (0 to 999999)';
}

/**
 * Runs the app as cdktf runs it: settings from the environment, the exit code in process.exitCode.
 * Errors go to stderr; information to stdout under the cdktf CLI (which shows whatever the app
 * writes to stderr as an error, app/cdktf-cli.ts), else to stderr beside the errors.
 */
export async function runApp(): Promise<void> {
  const cli = runByCdktfCli();
  const info = (line: string) => void (cli ? process.stdout : process.stderr).write(`${line}\n`);
  const fail = (line: string) => {
    process.stderr.write(`ums-ha: ${line}\n`);
    process.exitCode = 2;
  };
  const phase = (process.env.UMS_HA_DEPLOY_PHASE ?? 'all') as DeployPhase;
  const backend = process.env.UMS_HA_BACKEND_FILE ? readBackendFile(process.env.UMS_HA_BACKEND_FILE) : undefined;
  const wait = lockWait();
  if (!DEPLOY_PHASES.includes(phase)) return fail('UMS_HA_DEPLOY_PHASE must be first-server or all');
  if (typeof backend === 'string') return fail(backend);
  if (typeof wait === 'string') return fail(wait);
  const topologyDir = process.env.UMS_TOPOLOGY_DIR ?? 'topologies';
  const dirProblem = folderProblem(topologyDir, 'UMS_TOPOLOGY_DIR');
  if (dirProblem !== undefined) return fail(dirProblem);
  const outdir = outdirOf({});
  const problem = prepareOutdir(outdir);
  if (problem !== undefined) return fail(problem);
  let lock: Awaited<ReturnType<typeof lockOutdir>>;
  try {
    lock = await lockOutdir(outdir, wait, () => info(`ums-ha: waiting for another synthesis that writes ${outdir}`));
  } catch (err) {
    return fail(`cannot lock ${outdir} for this synthesis (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (typeof lock === 'string') return fail(lock);
  try {
    const result = synthesize({ topologyDir, deployPhase: phase, backend, outdir, info, warningsAsAnnotations: cli });
    if (result.stacks.length > 0) process.stdout.write(`ums-ha: synthesized ${result.stacks.join(', ')} into ${path.relative(process.cwd(), result.outdir) || '.'}\n`);
    // `cdktf deploy` with local state (no backend file, or one of type local): Terraform writes the
    // secrets of the stacks that take them as Terraform variables (vSphere) into a file on this
    // machine (the AWS stacks read theirs from SSM at boot). One warning, before Terraform runs.
    const command = cli && (!backend || backend.type === 'local') ? cdktfCliCommand() : undefined;
    const secretStacks = command && isDeploy(command) ? deployedStacks(result.stacks, command).filter((s) => platformEntry(result.platforms[s])?.deploy?.secretsVia !== 'boot-store') : [];
    if (secretStacks.length > 0) info(localStateWarning(secretStacks.map((s) => localStateFile(s, outdir, backend))));
    process.exitCode = result.code;
  } finally {
    lock.release();
  }
}

if (require.main === module) void runApp();
