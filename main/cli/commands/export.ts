import { stat } from 'node:fs/promises';
import { AppError } from '../../../preload/result';
import { analyse } from '../../../renderer/core/analysis';
import { initialiseWeights, lowerInference } from '../../../renderer/core/lowering/index';
import { checkModel } from '../../../renderer/core/onnx/checker';
import { encodeModel } from '../../../renderer/core/onnx/codec';
import { writeFileAtomic } from '../atomic-write';
import { intOption, shapeOption, stringOption, UsageError, type Command } from '../command';
import { describeIssues, loadModel } from '../model-source';

const number = new Intl.NumberFormat('en-US');

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a model as an ONNX file (opset 18) that any ONNX runtime loads',
  help: `Usage: model-lab export <zoo-id | graph.json | project.json | model.onnx> --out model.onnx
                        [--input CxHxW] [--classes N] [--seed S] [--lrn-primitives]

Writes the forward model as ONNX (opset 18, symbolic batch 'N', weights as initializers, the layer graph and
class names in metadata_props) and checks it against the ONNX checker's rules before writing. A zoo model or a
graph file gets fresh weights (Kaiming before ReLU, Xavier otherwise; the AlexNet paper's scheme for
alexnet-paper), drawn from --seed. A project file keeps its weights. An ONNX file is imported into a layer
graph and lowered again: a round trip through Model Lab whose outputs equal the original's.

Options:
  --out FILE         where to write the .onnx file (replaced atomically)
  --input CxHxW      build a zoo model or graph file for this input size
  --classes N        build a zoo model or graph file for N classes
  --seed S           seed for fresh weights (default 0)
  --lrn-primitives   write LRN as primitive ops (for runtimes without an LRN kernel, such as WebGPU)`,
  options: {
    out: { type: 'string' },
    input: { type: 'string' },
    classes: { type: 'string' },
    seed: { type: 'string' },
    'lrn-primitives': { type: 'boolean' },
  },
  async run(args, context) {
    if (args.positionals.length !== 1) throw new UsageError(`export takes one model (a zoo id or a file); got ${args.positionals.length} (see 'model-lab export --help').`);
    const out = stringOption(args, 'out', true);
    if (!out.toLowerCase().endsWith('.onnx')) throw new UsageError(`--out must name an .onnx file; got '${out}'.`);
    try {
      if ((await stat(out)).isDirectory()) throw new UsageError(`--out '${out}' is a folder; give a file name such as '${out}/model.onnx'.`);
    } catch (error) {
      if (error instanceof AppError) throw error;
    }
    const input = shapeOption(args, 'input');
    const classes = args.values.classes === undefined ? undefined : intOption(args, 'classes', 1, 1, 1_000_000);
    const seed = intOption(args, 'seed', 0, 0, 2 ** 31 - 1);
    const loaded = await loadModel(args.positionals[0]!, { ...(input ? { input } : {}), ...(classes !== undefined ? { classes } : {}) });
    const analysis = analyse(loaded.graph);
    if (analysis.issues.length > 0) throw new AppError('invalid-graph', describeIssues(`'${loaded.model}' cannot be exported`, analysis.issues.map((i) => i.message)));

    const weights = loaded.weights ?? initialiseWeights(loaded.graph, { seed });
    const classNames = loaded.classes ?? loaded.graph.classes;
    const { model, input: inputName, output } = lowerInference(loaded.graph, weights, {
      lrnAsPrimitives: args.values['lrn-primitives'] === true,
      ...(classNames ? { metadata: { 'model_lab.classes': JSON.stringify(classNames) } } : {}),
    });
    const issues = checkModel(model).issues;
    if (issues.length > 0) throw new AppError('internal', describeIssues(`The exported model failed the ONNX checker (a Model Lab bug; please report it)`, issues.map((i) => i.message)));
    const bytes = encodeModel(model);
    await writeFileAtomic(out, bytes);

    const shape = (dims: readonly (number | string | null)[] | undefined) => `[${(dims ?? []).map((d) => d ?? '?').join(', ')}]`;
    const inputInfo = model.graph.inputs.find((i) => i.name === inputName)!;
    const outputInfo = model.graph.outputs.find((o) => o.name === output)!;
    const weightsNote = loaded.weights ? `weights from ${loaded.kind === 'onnx' ? 'the ONNX file' : 'the project'}` : `fresh weights (seed ${seed})`;
    context.stdout(
      `Wrote ${out} (${(bytes.length / 2 ** 20).toFixed(1)} MiB): ${loaded.title}\n` +
        `  opset ${model.opsetImports[0]!.version}, input '${inputName}' ${shape(inputInfo.type?.kind === 'tensor' ? inputInfo.type.shape : undefined)}, ` +
        `output '${output}' ${shape(outputInfo.type?.kind === 'tensor' ? outputInfo.type.shape : undefined)}\n` +
        `  ${number.format(analysis.totals.params)} parameters (${number.format(analysis.totals.trainableParams)} trainable), ${weightsNote}; passes the ONNX checker's rules\n` +
        loaded.notes.map((note) => `  note: ${note}\n`).join(''),
    );
  },
};
