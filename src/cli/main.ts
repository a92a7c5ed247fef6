import { parseArgs } from 'node:util';
import { InputError } from '../trainer/data.js';
import { evalCommand } from './eval.js';
import { importCommand } from './import.js';
import { inspect } from './inspect.js';
import { migrateCommand } from './migrate.js';
import { train } from './train.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: vitrine <command> [options]

Commands:
  train          train, evaluate and export a model from an interaction log
  eval           score an existing model on a log, beside baselines
  inspect DIR    summarise a model directory and verify every file's sha256
  import         build a model directory from item vectors trained elsewhere (CSV, Spark ALS)
  migrate        rewrite a version 1 model directory as version 2

Run 'vitrine <command> --help' for a command's options.

Options:
  -h, --help     show help
  -v, --version  show the version`;

const INSPECT_HELP = `Usage: vitrine inspect DIR

Prints the manifest summary of the model directory DIR (items, dimensions, weights, file sizes, metrics)
and checks each file's size and sha256 against manifest.json. Exit code 1 when a file does not match.`;

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], out = console.log): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      out(__VITRINE_VERSION__);
      return 0;
    }
    if (command === 'inspect') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
      if (values.help) {
        out(INSPECT_HELP);
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError(`inspect takes one model directory, got ${positionals.length}\n\n${INSPECT_HELP}`);
      const { lines, ok } = await inspect(positionals[0]);
      lines.forEach((l) => out(l));
      return ok ? 0 : 1;
    }
    if (command === 'train') return await train(rest, out);
    if (command === 'eval') return await evalCommand(rest, out);
    if (command === 'import') return await importCommand(rest, out);
    if (command === 'migrate') return await migrateCommand(rest, out);
    throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${HELP}`);
  } catch (e) {
    // parseArgs reports unknown flags with a code; they are the user's mistake too.
    if (e instanceof UsageError || e instanceof InputError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`vitrine: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
