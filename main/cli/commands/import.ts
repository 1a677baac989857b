import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../../preload/result';
import { analyse } from '../../../renderer/core/analysis';
import { importOnnx } from '../../../renderer/core/import/index';
import { serialiseProject } from '../../../renderer/core/project';
import { stringOption, UsageError, type Command } from '../command';

/** A file the import command cannot read or write. */
export class ImportFileError extends AppError {
  constructor(message: string) {
    super('import-file', message);
    this.name = 'ImportFileError';
  }
}

const number = new Intl.NumberFormat('en-US');

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import an ONNX model (e.g. from torch.onnx.export) into a project file: layer graph plus weights',
  help: `Usage: model-lab import <model.onnx> --out <project.json> [--name NAME]

Maps an ONNX model exported by PyTorch (opsets 11 to 21: Conv, Gemm/MatMul, pooling, BatchNormalization,
activations, Add, Concat, Flatten/Reshape, Dropout, LRN, …) or by Model Lab to a layer graph with its weights,
copied bit for bit, and writes them as a Model Lab project. Anything without an exact layer equivalent is an
error naming the ONNX node; nothing is written then.

Options:
  --out FILE   the project file to write (JSON)
  --name NAME  the model's name (default: the file's name without .onnx)`,
  options: {
    out: { type: 'string' },
    name: { type: 'string' },
  },
  async run(args, context) {
    if (args.positionals.length !== 1) {
      throw new UsageError(
        `import takes one .onnx file${args.positionals.length ? `, got ${args.positionals.map((p) => `'${p}'`).join(' ')}` : ''} (see 'model-lab import --help').`,
      );
    }
    const path = args.positionals[0]!;
    const out = stringOption(args, 'out', true);
    const name = stringOption(args, 'name');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      throw new ImportFileError(`Cannot read '${path}': ${reason(error)}.`);
    }
    const result = importOnnx(bytes, { name: name ?? basename(path).replace(/\.onnx$/i, '') });
    const project = serialiseProject(result.classes ? { graph: result.graph, weights: result.weights, classes: result.classes } : { graph: result.graph, weights: result.weights });
    const temporary = `${out}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, project);
      await rename(temporary, out);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw new ImportFileError(`Cannot write '${out}': ${reason(error)}.`);
    }
    const analysis = analyse(result.graph);
    const counts = new Map<string, number>();
    for (const layer of analysis.layers) counts.set(layer.kind, (counts.get(layer.kind) ?? 0) + 1);
    const kinds = [...counts].map(([kind, count]) => (count === 1 ? kind : `${kind} ×${count}`)).join(', ');
    const { totals } = analysis;
    const lines = [
      `Imported ${basename(path)} (opset ${result.opset}) as '${result.graph.name}' → ${out}`,
      `Layers: ${analysis.layers.length} (${kinds})`,
      `Input: ${analysis.input?.join('×') ?? '?'}   Output: ${analysis.output?.join('×') ?? '?'}`,
      `Params: ${number.format(totals.params)} (trainable ${number.format(totals.trainableParams)}, non-trainable ${number.format(totals.nonTrainableParams)})`,
      ...(result.classes ? [`Classes: ${result.classes.length}`] : []),
      ...result.notes.map((note) => `Note: ${note}`),
    ];
    context.stdout(lines.join('\n') + '\n');
  },
};
