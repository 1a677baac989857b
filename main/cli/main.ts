// The `model-lab` command: the same core as the app, headless.
import { AppError } from '../../preload/result';
import { appVersion } from '../services/app-info';
import { resolveDataDir } from '../services/data-folder';
import { parseCommandArgs, UsageError, type CliContext } from './command';
import { commands } from './commands/index';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Model Lab ${appVersion()}: design, measure, train and export convolutional networks.

Usage: model-lab [--data-dir DIR] <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
  --data-dir DIR  the data folder (default: $MODEL_LAB_DATA, else the OS's app-data folder)
  --help, -h      show help (also 'model-lab <command> --help')
  --version, -v   show the version
`;
}

/** Takes --data-dir DIR / --data-dir=DIR out of argv wherever it stands. */
function extractDataDir(argv: string[]): { rest: string[]; dataDir: string | undefined } {
  const rest: string[] = [];
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--data-dir needs a folder path.');
      dataDir = value;
      i++;
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
      if (dataDir === '') throw new UsageError('--data-dir needs a folder path.');
    } else {
      rest.push(arg);
    }
  }
  return { rest, dataDir };
}

export interface MainIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[], io: MainIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  try {
    const { rest, dataDir } = extractDataDir(argv);
    const [name, ...commandArgs] = rest;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? commands.find((c) => c.name === commandArgs[0]) : undefined;
      stdout(topic ? topic.help + '\n' : topHelp());
      return 0;
    }
    if (name === '--version' || name === '-v') {
      stdout(appVersion() + '\n');
      return 0;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) {
      throw new UsageError(`'${name}' is not a model-lab command. Commands: ${commands.map((c) => c.name).join(', ')}.`);
    }
    if (commandArgs.includes('--help') || commandArgs.includes('-h')) {
      stdout(command.help + '\n');
      return 0;
    }
    const context: CliContext = {
      data: resolveDataDir(dataDir, io.env ?? process.env),
      stdout,
      stderr,
      interactive: io.stderr === undefined && process.stderr.isTTY === true,
    };
    return (await command.run(parseCommandArgs(command, commandArgs), context)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`model-lab: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AppError) {
      stderr(`model-lab: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    stderr(`model-lab: unexpected error: ${message}\n`);
    if (process.env.MODEL_LAB_DEBUG && error instanceof Error && error.stack) stderr(error.stack + '\n');
    return 1;
  }
}
