// `model-lab data`: import, list, show, rename, check and remove datasets in the data folder.
import type { DatasetFormat, DatasetManifest } from '../../../preload/types/datasets';
import {
  datasetHealth,
  deleteDataset,
  importDataset,
  installSampleDataset,
  listDatasets,
  readManifest,
  renameDataset,
  type ImportProgress,
} from '../../services/datasets/index';
import { intOption, numberOption, stringOption, UsageError, type CliContext, type Command, type ParsedCommand } from '../command';

const FORMATS: DatasetFormat[] = ['idx', 'folder', 'cifar', 'csv'];

const help = `Usage:
  model-lab data import <path> --name NAME [--format idx|folder|cifar|csv] [--size HxW] [--channels 1|3]
                        [--val 0.1] [--test 0.1] [--seed S] [--classes a,b,...] [--replace]
  model-lab data list [--json]
  model-lab data show NAME [--json]
  model-lab data health NAME [--json]
  model-lab data mv NAME NEW-NAME
  model-lab data rm NAME
  model-lab data sample

Imports datasets into the data folder as packed uint8 shards with a manifest, and manages them.

import   reads an IDX folder (MNIST, Fashion-MNIST; gzipped or not), a folder with one sub-folder of PNG/JPEG/WebP
         images per class (or train/ and test/ folders of those), CIFAR-10/100 binary batches, or a CSV file
         (label + pixel columns, or path + label). The source's test set is used where it has one.
  --name NAME       the dataset's name (required)
  --format F        idx, folder, cifar or csv (default: detected from the path)
  --size HxW        resize (cover, then centre-crop) to H×W, e.g. 32x32 (default: the source's size)
  --channels 1|3    store grey or colour (default: as the source)
  --val F           fraction of the training data kept for validation (default 0.1)
  --test F          fraction kept for testing when the source has no test set (default 0.1)
  --seed S          seed of the stratified splits and sample order (default 1)
  --classes a,b,..  class names for sources without them (IDX, numeric CSV labels)
  --replace         replace an existing dataset of that name (refused otherwise)
list     the datasets; --json prints [{ "name", "shape": [C,H,W], "classes", "counts": { "train", "val", "test" } }]
show     one dataset's manifest (--json: all of it)
health   class balance, duplicates, train/test leakage, skipped files, file integrity
mv       rename a dataset
rm       delete a dataset
sample   install the bundled Fashion-MNIST sample (2,000 train + 500 test images) as 'fashion-mnist-sample'`;

const fmt = (n: number) => n.toLocaleString('en');
const shapeText = (shape: number[]) => shape.join('×');

function parseSize(raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.toLowerCase().split('x');
  const numbers = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (numbers.length === 1) numbers.push(numbers[0]!);
  if (numbers.length !== 2 || numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
    throw new UsageError(`--size must look like HxW with whole numbers from 1 to 4096, such as 32x32; got '${raw}'.`);
  }
  return numbers as [number, number];
}

function positional(args: ParsedCommand, index: number, what: string, usage: string): string {
  const value = args.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`${what} is missing. Usage: model-lab data ${usage}`);
  return value;
}

/** A progress bar on stderr, redrawn in place; only on a terminal. */
function progressBar(context: CliContext): { update: (p: ImportProgress) => void; end: () => void } {
  if (!context.interactive) return { update: () => undefined, end: () => undefined };
  let drawn = false;
  return {
    update: ({ fraction, message }) => {
      const width = 30;
      const filled = Math.round(fraction * width);
      context.stderr(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${message.slice(0, 60).padEnd(60)}`);
      drawn = true;
    },
    end: () => {
      if (drawn) context.stderr('\n');
    },
  };
}

function importSummary(manifest: DatasetManifest, seconds: number): string {
  const lines = [
    `Imported '${manifest.name}': ${fmt(manifest.counts.train)} train, ${fmt(manifest.counts.val)} val, ${fmt(manifest.counts.test)} test samples of ${shapeText(manifest.shape)}, ${manifest.classes.length} classes, in ${seconds.toFixed(1)} s.`,
    manifest.preprocessing.description,
  ];
  if (manifest.skipped.length > 0) {
    lines.push(`Skipped ${manifest.skipped.length} unreadable file${manifest.skipped.length === 1 ? '' : 's'}:`);
    for (const s of manifest.skipped.slice(0, 10)) lines.push(`  ${s.path}: ${s.reason}`);
    if (manifest.skipped.length > 10) lines.push(`  … and ${manifest.skipped.length - 10} more ('model-lab data show ${manifest.name} --json' lists them all)`);
  }
  return lines.join('\n') + '\n';
}

async function runImport(args: ParsedCommand, context: CliContext): Promise<number> {
  const path = positional(args, 1, 'The path to import', 'import <path> --name NAME');
  const name = stringOption(args, 'name', true);
  const format = stringOption(args, 'format');
  if (format !== undefined && !FORMATS.includes(format as DatasetFormat)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got '${format}'.`);
  }
  const channels = stringOption(args, 'channels');
  if (channels !== undefined && channels !== '1' && channels !== '3') throw new UsageError(`--channels must be 1 or 3; got '${channels}'.`);
  const classes = stringOption(args, 'classes');
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const bar = progressBar(context);
  try {
    const result = await importDataset(
      context.data.path,
      {
        path,
        name,
        format: format as DatasetFormat | undefined,
        size: parseSize(stringOption(args, 'size')),
        channels: channels === undefined ? undefined : (Number(channels) as 1 | 3),
        val: numberOption(args, 'val', 0.1, 0, 0.99),
        test: numberOption(args, 'test', 0.1, 0, 0.99),
        seed: intOption(args, 'seed', 1, 0),
        classNames: classes?.split(',').map((c) => c.trim()),
        replace: args.values.replace === true,
      },
      { signal: controller.signal, onProgress: bar.update },
    );
    bar.end();
    context.stdout(importSummary(result.manifest, result.seconds));
    return 0;
  } catch (error) {
    bar.end();
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

async function runList(args: ParsedCommand, context: CliContext): Promise<void> {
  const datasets = await listDatasets(context.data.path);
  if (args.values.json) {
    context.stdout(JSON.stringify(datasets.map(({ name, shape, classes, counts }) => ({ name, shape, classes, counts: { train: counts.train, val: counts.val, test: counts.test } }))) + '\n');
    return;
  }
  if (datasets.length === 0) {
    context.stdout(`No datasets in ${context.data.path}. Import one with 'model-lab data import <path> --name NAME', or 'model-lab data sample'.\n`);
    return;
  }
  const rows = [['NAME', 'SHAPE', 'CLASSES', 'TRAIN', 'VAL', 'TEST'], ...datasets.map((d) => [d.name, shapeText(d.shape), String(d.classes.length), fmt(d.counts.train), fmt(d.counts.val), fmt(d.counts.test)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  context.stdout(rows.map((r) => r.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n');
}

async function runShow(args: ParsedCommand, context: CliContext): Promise<void> {
  const manifest = await readManifest(context.data.path, positional(args, 1, 'The dataset name', 'show NAME'));
  if (args.values.json) {
    context.stdout(JSON.stringify(manifest, null, 2) + '\n');
    return;
  }
  const classes = manifest.classes.map((c, i) => `${c} (${fmt(manifest.classCounts.train[i]! + manifest.classCounts.val[i]! + manifest.classCounts.test[i]!)})`);
  context.stdout(
    [
      `name           ${manifest.name}`,
      `shape          ${shapeText(manifest.shape)} (C×H×W, uint8)`,
      `classes        ${manifest.classes.length}: ${classes.join(', ')}`,
      `samples        ${fmt(manifest.counts.train)} train, ${fmt(manifest.counts.val)} val, ${fmt(manifest.counts.test)} test`,
      `split          seed ${manifest.split.seed}, val ${manifest.split.val}, test ${manifest.source.test === 'source' ? "the source's own" : manifest.split.test}, stratified`,
      `preprocessing  ${manifest.preprocessing.description}`,
      `source         ${manifest.source.format} at ${manifest.source.path}`,
      `imported       ${manifest.importedAt} in ${manifest.importSeconds} s`,
      `shards         ${manifest.shards.length} (up to ${fmt(manifest.samplesPerShard)} samples each)`,
      `content hash   sha256:${manifest.contentHash}`,
      `skipped files  ${manifest.skipped.length}`,
    ].join('\n') + '\n',
  );
}

async function runHealth(args: ParsedCommand, context: CliContext): Promise<void> {
  const health = await datasetHealth(context.data.path, positional(args, 1, 'The dataset name', 'health NAME'));
  if (args.values.json) {
    context.stdout(JSON.stringify(health, null, 2) + '\n');
    return;
  }
  const lines = [`Dataset '${health.name}':`];
  const width = Math.max(5, ...health.balance.map((b) => b.className.length));
  lines.push(`  ${'class'.padEnd(width)}  ${'train'.padStart(7)}  ${'val'.padStart(7)}  ${'test'.padStart(7)}`);
  for (const b of health.balance) lines.push(`  ${b.className.padEnd(width)}  ${fmt(b.train).padStart(7)}  ${fmt(b.val).padStart(7)}  ${fmt(b.test).padStart(7)}`);
  lines.push(`  class imbalance (largest / smallest train class): ${health.imbalanceRatio.toFixed(2)}`);
  if (health.emptyClasses.length) lines.push(`  classes with no training sample: ${health.emptyClasses.join(', ')}`);
  lines.push(`  exact duplicates: ${fmt(health.duplicateSamples)} (${health.duplicates.filter((d) => d.conflictingLabels).length} groups with conflicting labels)`);
  lines.push(`  leakage: ${fmt(health.leakage.val)} val and ${fmt(health.leakage.test)} test samples also in train`);
  lines.push(`  unreadable files skipped at import: ${health.skipped.length}`);
  lines.push(`  files intact (content hash): ${health.contentHashMatches ? 'yes' : 'NO — import the dataset again'}`);
  context.stdout(lines.join('\n') + '\n');
}

export const dataCommand: Command = {
  name: 'data',
  summary: 'Import, list, show and remove datasets',
  help,
  options: {
    name: { type: 'string' },
    format: { type: 'string' },
    size: { type: 'string' },
    channels: { type: 'string' },
    val: { type: 'string' },
    test: { type: 'string' },
    seed: { type: 'string' },
    classes: { type: 'string' },
    replace: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, context) {
    const sub = args.positionals[0];
    switch (sub) {
      case 'import':
        return runImport(args, context);
      case 'list':
      case 'ls':
        return runList(args, context);
      case 'show':
        return runShow(args, context);
      case 'health':
        return runHealth(args, context);
      case 'mv':
      case 'rename': {
        const from = positional(args, 1, 'The dataset name', 'mv NAME NEW-NAME');
        const to = positional(args, 2, 'The new name', 'mv NAME NEW-NAME');
        await renameDataset(context.data.path, from, to);
        context.stdout(`Renamed dataset '${from}' to '${to}'.\n`);
        return 0;
      }
      case 'rm':
      case 'delete': {
        const name = positional(args, 1, 'The dataset name', 'rm NAME');
        await deleteDataset(context.data.path, name);
        context.stdout(`Deleted dataset '${name}'.\n`);
        return 0;
      }
      case 'sample': {
        const bar = progressBar(context);
        const result = await installSampleDataset(context.data.path, { onProgress: bar.update });
        bar.end();
        context.stdout(result.seconds === 0 ? `The sample dataset '${result.manifest.name}' is already installed.\n` : importSummary(result.manifest, result.seconds));
        return 0;
      }
      case undefined:
        throw new UsageError(`'data' needs a subcommand: import, list, show, health, mv, rm or sample (see 'model-lab data --help').`);
      default:
        throw new UsageError(`'${sub}' is not a data subcommand; use import, list, show, health, mv, rm or sample.`);
    }
  },
};
