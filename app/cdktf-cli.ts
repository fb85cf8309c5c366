/**
 * What the app knows of the cdktf CLI that runs it (cdktf-cli 0.21, and CDK Terrain's cdktn-cli,
 * which runs the app the same way).
 *
 * The CLI shows the app's output by stream: each chunk on stdout is printed as it is; each chunk on
 * stderr is logged as an error (`[ERROR] default - ...`, red) whatever it says
 * (@cdktf/commons `shell`: stderr goes to `processLoggerError`). It prints each stack's warning
 * annotations from the manifest after the run (`WARN [stack]: ...`, @cdktf/cli-core
 * `printAnnotations`), for `synth`, `diff` and `deploy` alike. So under the CLI the app writes only
 * errors to stderr, information to stdout, and leaves a synthesized topology's warnings to the
 * annotations its stack carries (constructs/validated.ts).
 */
import * as fs from 'node:fs';

/**
 * True when the cdktf CLI runs the app: both CLIs set CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS for
 * the app's process (and nothing else in ums-ha does).
 */
export function runByCdktfCli(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

/** The cdktf CLI's command line: its command (`synth`, `deploy`, ...) and the arguments after it. */
export interface CdktfCliCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The CLI's own script as it appears in its process's argv: `.../cdktf`, `.../cdktn`, `.../cdktf.js`. */
const CLI_SCRIPT = /(^|\/)(cdktf|cdktn)(\.js)?$/;

/** A command line as argv, or undefined (no such process, no /proc). */
function readArgv(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ...", where comm may hold spaces and parentheses.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command of the cdktf CLI that runs this app, read from the command lines of the app's
 * parent processes (the CLI starts the app through `sh -c`): Linux only (/proc); elsewhere, or when
 * no cdktf CLI is among the nearest ancestors, undefined.
 */
export function cdktfCliCommand(pid: number = process.pid, depth = 4): CdktfCliCommand | undefined {
  let current: number | undefined = parentOf(pid);
  for (let i = 0; i < depth && current !== undefined; i++) {
    const argv = readArgv(current);
    const script = argv?.findIndex((a) => CLI_SCRIPT.test(a)) ?? -1;
    if (argv && script >= 0) {
      const rest = argv.slice(script + 1);
      const at = rest.findIndex((a) => !a.startsWith('-'));
      return at < 0 ? undefined : { command: rest[at]!, args: rest.slice(at + 1) };
    }
    current = parentOf(current);
  }
  return undefined;
}

/** `cdktf deploy` (alias `apply`): the commands after whose synthesis Terraform writes the state. */
export function isDeploy(cli: CdktfCliCommand | undefined): boolean {
  return cli !== undefined && (cli.command === 'deploy' || cli.command === 'apply');
}

/**
 * The stacks a `cdktf deploy` command line deploys, of those synthesized: the ones it names, or
 * every one when it names none (a single stack, or a pattern such as '*').
 */
export function deployedStacks(stacks: readonly string[], cli: CdktfCliCommand): string[] {
  const named = stacks.filter((s) => cli.args.includes(s));
  return named.length > 0 ? named : [...stacks];
}

/**
 * The warning a deployment with local state gets, once: the state holds the secrets in plaintext,
 * and where it is: the state file of each stack deployed.
 */
export function localStateWarning(stateFiles: readonly string[]): string {
  const where = stateFiles.length <= 3 ? stateFiles.join(', ') : `${stateFiles.slice(0, 3).join(', ')} and ${stateFiles.length - 3} more beside them`;
  return (
    `ums-ha: warning: the Terraform state of this deployment is local and holds its secrets (the sensitive variables, the guestinfo values) in plaintext: ` +
    `${where}, with a .backup beside it. .gitignore keeps it out of git; keep it out of shares and backups too, or move it to an encrypted remote backend with UMS_HA_BACKEND_FILE (README, "Protect the state")`
  );
}
