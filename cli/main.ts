/**
 * The `ums-ha` command line. `main` parses, runs and returns the exit code without exiting, so
 * tests run it in-process; bin/ums-ha.js only sets process.exitCode. Each command's module is
 * loaded when it runs: `validate` loads the core and nothing else (never cdktf).
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT_USAGE, processIo, type Io } from './io';
import { packageInfo } from './package-info';
import { VALIDATE_FORMATS } from './format/names';

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
    .addOption(new Option('-f, --format <format>', 'output format').choices(VALIDATE_FORMATS).default('text'))
    .option('--strict', 'warnings fail too (exit 1)', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 no errors (warnings allowed unless --strict), 1 at least one error, 2 usage error or unreadable input.',
    )
    .action(async (paths: string[], options: { format: (typeof VALIDATE_FORMATS)[number]; strict: boolean }) => {
      const { runValidate } = await import('./validate');
      exitCode = runValidate(paths, options, io);
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
