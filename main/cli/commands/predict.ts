import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../../../preload/result';
import { decodeModel } from '../../../renderer/core/onnx/codec';
import type { Model } from '../../../renderer/core/onnx/model';
import { createNodeSession } from '../../../renderer/runtime/ort-node';
import { intOption, UsageError, type Command } from '../command';

export class PredictError extends AppError {
  constructor(message: string) {
    super('predict', message);
    this.name = 'PredictError';
  }
}

interface Normalisation {
  mean: number[];
  std: number[];
}

function metadata(model: Model, key: string): string | undefined {
  return model.metadataProps.find(([k]) => k === key)?.[1];
}

/** The image input [C, H, W] of a model whose first input is [N, C, H, W] with C of 1 or 3. */
function imageShape(model: Model, path: string): [number, number, number] {
  const input = model.graph.inputs.find((i) => !model.graph.initializers.some((t) => t.name === i.name));
  const dims = input?.type?.kind === 'tensor' ? input.type.shape : undefined;
  if (!dims || dims.length !== 4 || dims.slice(1).some((d) => typeof d !== 'number')) {
    throw new PredictError(`'${path}' does not take a batch of images: its input is ${dims ? `[${dims.join(', ')}]` : 'of unknown shape'}, not [N, C, H, W].`);
  }
  const [, c, h, w] = dims as [unknown, number, number, number];
  if (c !== 1 && c !== 3) throw new PredictError(`'${path}' takes ${c}-channel images; predict reads grey (1) or colour (3) images.`);
  return [c, h, w];
}

/** Decodes, resizes (cover) and centre-crops one image to C×H×W, normalised as the model was trained. */
async function loadImage(file: string, [c, h, w]: [number, number, number], norm: Normalisation): Promise<Float32Array> {
  let raw: Buffer;
  try {
    let image = sharp(file, { failOn: 'error' }).rotate().resize(w, h, { fit: 'cover', position: 'centre' }).removeAlpha();
    image = c === 1 ? image.greyscale() : image.toColourspace('srgb');
    raw = await image.raw().toBuffer();
  } catch (error) {
    throw new PredictError(`Cannot read the image '${file}': ${(error as Error).message}.`);
  }
  const pixels = new Float32Array(c * h * w);
  const stride = raw.length / (h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) pixels[ch * h * w + y * w + x] = (raw[(y * w + x) * stride + ch]! / 255 - norm.mean[ch]!) / norm.std[ch]!;
    }
  }
  return pixels;
}

function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / sum);
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Classify image files with an ONNX model',
  help: `Usage: model-lab predict model.onnx <image files…> [--top 5] [--json]

Runs the model (onnxruntime-web, wasm) on each image: decoded, resized to cover the model's input and
centre-cropped, grey or colour as the model takes, and normalised as recorded in the model
(model_lab.normalisation; pixels scaled to [0, 1] otherwise). Prints the top classes with probabilities.

Options:
  --top K   how many classes to show per image (default 5)
  --json    print one JSON array: [{ "file", "top": [{ "class", "index", "probability" }] }]`,
  options: { top: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, context) {
    const [modelPath, ...files] = args.positionals;
    if (!modelPath || files.length === 0) throw new UsageError("predict needs a model and at least one image (see 'model-lab predict --help').");
    const top = intOption(args, 'top', 5, 1, 100_000);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(modelPath));
    } catch (error) {
      throw new PredictError(`Cannot read the model '${modelPath}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
    }
    const model = decodeModel(bytes);
    const shape = imageShape(model, modelPath);
    const norm: Normalisation = JSON.parse(metadata(model, 'model_lab.normalisation') ?? 'null') ?? { mean: new Array(shape[0]).fill(0), std: new Array(shape[0]).fill(1) };
    if (norm.mean?.length !== shape[0] || norm.std?.length !== shape[0]) throw new PredictError(`'${modelPath}' records a normalisation for ${norm.mean?.length} channels, but takes ${shape[0]}.`);
    const classes: string[] | undefined = JSON.parse(metadata(model, 'model_lab.classes') ?? 'null') ?? undefined;
    const endsInSoftmax = model.graph.nodes.at(-1)?.opType === 'Softmax';

    const session = await createNodeSession(bytes);
    const inputName = session.inputNames[0]!;
    const outputName = session.outputNames[0]!;
    const results: Array<{ file: string; top: Array<{ class: string; index: number; probability: number }> }> = [];
    try {
      for (const file of files) {
        const pixels = await loadImage(file, shape, norm);
        const out = (await session.runFloat32({ [inputName]: { data: pixels, dims: [1, ...shape] } }))[outputName]!;
        const probabilities = endsInSoftmax ? Array.from(out.data) : softmax(out.data);
        const ranked = probabilities.map((probability, index) => ({ class: classes?.[index] ?? `class ${index}`, index, probability })).sort((a, b) => b.probability - a.probability);
        results.push({ file, top: ranked.slice(0, top) });
      }
    } finally {
      await session.release();
    }
    if (args.values.json) {
      context.stdout(JSON.stringify(results) + '\n');
      return;
    }
    for (const result of results) {
      context.stdout(`${result.file}\n${result.top.map((t) => `  ${(t.probability * 100).toFixed(1).padStart(5)}%  ${t.class}`).join('\n')}\n`);
    }
  },
};
