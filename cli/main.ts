/**
 * The `ums-ha` command line. `main` parses, runs and returns the exit code without exiting, so
 * tests run it in-process; bin/ums-ha.js only sets process.exitCode. Each command's module is
 * loaded when it runs: `validate` loads the core and the platforms' cdktf-free entries (never cdktf);
 * the built-in platforms are registered first (platforms/index.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import '../platforms';
import { EXIT_USAGE, processIo, type Io } from './io';
import { packageInfo } from './package-info';
import { VALIDATE_FORMATS } from './format/names';

/** `-f, --format` with its choices and default, as every command declares it. */
const formatOption = (choices: readonly string[], fallback: string) => new Option('-f, --format <format>', 'output format').choices(choices).default(fallback);

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('ums-ha')
    .description('Validate, size and synthesize IGEL UMS High Availability networks')
    .version(packageInfo().version, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run ums-ha --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command('validate')
    .description('check topology files: YAML syntax, the JSON Schema, then the design rules')
    .argument('<paths...>', 'topology files, or directories whose *.yaml and *.yml files are checked')
    .addOption(formatOption(VALIDATE_FORMATS, 'text'))
    .option('--strict', 'warnings fail too (exit 1)', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 no errors (warnings allowed unless --strict), 1 at least one error, 2 usage error or unreadable input.',
    )
    .action(async (paths: string[], options: { format: (typeof VALIDATE_FORMATS)[number]; strict: boolean }) => {
      const { runValidate } = await import('./validate');
      exitCode = runValidate(paths, options, io);
    });

  program
    .command('report')
    .description('the sizing review of one topology: counts and why, VM sizes, capacity, firewall matrix, findings, Mermaid diagram')
    .argument('<file>', 'a topology file')
    .addOption(formatOption(['markdown', 'json'], 'markdown'))
    .addHelpText('after', '\nExit codes: 0 the design passes, 1 it has error findings (the report still shows them), 2 usage error or unreadable file.')
    .action(async (file: string, options: { format: 'markdown' | 'json' }) => {
      const { runReport } = await import('./report');
      exitCode = runReport(file, options, io);
    });

  program
    .command('plan-update')
    .description('the ordered update runbook from the deployed topology to the proposed one (UMS-UPD rules apply)')
    .requiredOption('--from <file>', 'the deployed topology')
    .requiredOption('--to <file>', 'the proposed topology')
    .addOption(new Option('-m, --method <method>', 'update procedure').choices(['short-downtime', 'no-downtime']).default('short-downtime'))
    .addOption(formatOption(['markdown', 'json'], 'markdown'))
    .addHelpText('after', '\nExit codes: 0 a runbook (warnings on stderr), 1 refused (UMS-UPD-001, UMS-UPD-005) or a topology with errors, 2 usage error or unreadable file.')
    .action(async (options: { from: string; to: string; method: 'short-downtime' | 'no-downtime'; format: 'markdown' | 'json' }) => {
      const { runPlanUpdate } = await import('./plan-update');
      exitCode = runPlanUpdate(options, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; every other parse error is a usage error.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw err;
  }
  return exitCode;
}
