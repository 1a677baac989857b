import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../../preload/result';
import type { DataFolder } from '../services/data-folder';

/** A usage mistake: printed with a hint to --help, exit code 2. */
export class UsageError extends AppError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

export interface CliContext {
  data: DataFolder;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full help: usage line(s), arguments and options. */
  help: string;
  options: OptionSpec;
  run(args: ParsedCommand, context: CliContext): Promise<number | void>;
}

export function parseCommandArgs(command: Command, argv: string[]): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
    return { values: values as ParsedCommand['values'], positionals };
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/s, '')} (see 'model-lab ${command.name} --help')`);
  }
}

/** Reads a string option, or throws a UsageError naming it when it is required and missing. */
export function stringOption(args: ParsedCommand, name: string, required: true): string;
export function stringOption(args: ParsedCommand, name: string, required?: false): string | undefined;
export function stringOption(args: ParsedCommand, name: string, required = false): string | undefined {
  const value = args.values[name];
  if (value === undefined) {
    if (required) throw new UsageError(`--${name} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw new UsageError(`--${name} needs a value.`);
  return value;
}

/** Reads an integer option within [min, max]; the error quotes the bad value. */
export function intOption(args: ParsedCommand, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got '${raw}'.`);
  }
  return value;
}

/** Reads a finite number option within [min, max]. */
export function numberOption(args: ParsedCommand, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}; got '${raw}'.`);
  }
  return value;
}

/** Parses "CxHxW" (e.g. 1x28x28) into [C, H, W]. */
export function shapeOption(args: ParsedCommand, name: string): [number, number, number] | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const parts = raw.toLowerCase().split('x').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n <= 0 || n > 65536)) {
    throw new UsageError(`--${name} must look like CxHxW with positive whole numbers, such as 3x224x224; got '${raw}'.`);
  }
  return parts as [number, number, number];
}
