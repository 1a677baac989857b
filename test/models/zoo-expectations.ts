// What every zoo model must reproduce, with the source of each figure. zoo.test.ts checks these against
// analyse(); nothing here is computed by the code under test.
//
// Sources and what their numbers mean:
// - torchvision: each model's weights metadata in torchvision/models/<family>.py — `num_params` (the sum of
//   `p.numel()` over `model.parameters()`: weights, biases and BatchNorm γ/β; buffers such as BatchNorm's running
//   statistics are not included) and `_ops`, labelled "GFLOPS" in torchvision's docs table but actually
//   giga-multiply-adds of convolutions and linear layers at the weights' input size, to 3 decimals (e.g. AlexNet:
//   0.714 for the 714,188,480 MACs derived below). We count MACs the same way (analyse's default: one
//   multiply-add = one MAC, convolutions and dense layers only, bias additions excluded) and compare at 3 decimals.
// - Inception v3's `num_params` (27,161,264) includes the auxiliary classifier, which torchvision's `_ops`
//   (5.713, an eval-mode forward) does not run and which our model leaves out (aux_logits=False). We subtract the
//   aux head's parameters, computed from torchvision's InceptionAux(768, 1000): conv0 BasicConv2d(768, 128, 1)
//   = 98,304 + 256; conv1 BasicConv2d(128, 768, 5) = 2,457,600 + 1,536; fc Linear(768, 1000) = 769,000;
//   total 3,326,696.
// - GoogLeNet's `num_params` (6,624,904) is for aux_logits=False (the pretrained model drops aux1/aux2 after
//   loading), the model we build.
// - d2l (Dive into Deep Learning, d2l.ai): the book gives the layer definitions and printed output shapes, not
//   totals; the parameter and MAC counts for lenet5, alexnet-d2l and nin are derived here by hand from its layer
//   definitions, written out as arithmetic. d2l's LeNet total, 61,706, is the figure the project brief states.
// - alexnet-paper: Krizhevsky et al. 2012 say "60 million parameters"; the exact 60,965,224 is derived from the
//   paper's layer sizes (Fig. 2, two groups in conv2/4/5; the same network as Caffe's bvlc_alexnet). Sze, Chen,
//   Yang & Emer, "Efficient Processing of Deep Neural Networks: A Tutorial and Survey", Proc. IEEE 2017, Table
//   III, give AlexNet (227×227) as 724M MACs and 61M weights; the exact MACs below are derived by hand.
// - Non-trainable parameters are BatchNorm running mean and variance, 2 per BatchNorm channel (torchvision keeps
//   them as buffers; so does our analysis, which counts them in `params` but not in `trainableParams`). The
//   BatchNorm channel sums are derived by hand from each architecture below.
// - Receptive fields: Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks",
//   Distill 2019, computed with their library on TF-slim networks (google-research/receptive_field,
//   RECEPTIVE_FIELD_TABLE.md). They apply to our model only where its geometry (kernels, strides, leading padding)
//   up to that end-point is the same:
//     vgg_a/pool5 150/32/59 → vgg11, vgg11-bn (BatchNorm is pointwise);  vgg_16/pool5 212/32/90 → vgg16, vgg16-bn;
//     alexnet_v2/pool5 195/32/64 → alexnet-paper (same 11/4 valid, 5 pad 2, 3 pad 1 convs and 3/2 valid pools;
//       different widths do not matter). torchvision's and d2l's AlexNet pad conv1 by 2 and 1, so only size and
//       stride (195/32) carry over; their padding (66, 65) is not published and not asserted;
//     inception_v3/Mixed_7c 1311/32/618 → inception-v3 (torchvision ported TF's network: valid strided convs and
//       pools, SAME stride-1 convs = symmetric padding);
//     resnet_v1_50/block4 483/32/239 is NOT our resnet50: TF-slim strides the last unit of each block and pads its
//       max pool SAME (0 before), torchvision strides the first unit and pads the max pool by 1. Not asserted.
//     inception_v1 (GoogLeNet), ResNet-18, DenseNet, NiN and LeNet have no published value: null.
//   Our model receptive field is that of the last layer whose output is still spatial; for the VGGs and AlexNet
//   that is the adaptive average pool, which at the default input is the identity (7×7 → 7×7, 6×6 → 6×6).

export interface Figure<T> {
  value: T;
  source: string;
}

/** MACs either exactly (where derived or published exactly) or as torchvision's 3-decimal GMAC figure. */
export type MacsFigure = { exact: number; source: string } | { gmacs3: number; source: string };

export interface ReceptiveFieldFigure {
  size: number;
  stride: number;
  /** Null where only size and stride are known to carry over (see above). */
  padding: number | null;
  source: string;
}

export interface ZooExpectation {
  id: string;
  input: [number, number, number];
  classes: number;
  trainableParams: Figure<number>;
  nonTrainableParams: Figure<number>;
  macs: MacsFigure;
  outputShape: Figure<number[]>;
  receptiveField: ReceptiveFieldFigure | null;
  /** Names (or a dotted prefix) of the layers whose parameters depend on the class count. */
  classifier: string;
  /** Whether the head pools to a fixed size (adaptive/global pooling), so parameters do not depend on input size. */
  sizeIndependentParams: boolean;
  /**
   * The smallest square input the network accepts (torchvision's `min_size` meta), where published; below it some
   * window no longer fits. `knownDiscrepancy` says why our analysis disagrees, where it does.
   */
  minSize: (Figure<number> & { knownDiscrepancy?: string }) | null;
}

const TV = (file: string, name: string) => `torchvision/models/${file}.py ${name} weights meta (num_params / _ops)`;
const TV_MIN = (file: string, name: string, size: number) => `torchvision/models/${file}.py ${name} meta min_size (${size}, ${size})`;
const ARAUJO = (endPoint: string) => `Araujo et al., Distill 2019 (google-research/receptive_field table): ${endPoint}`;
const NO_BN: Figure<number> = { value: 0, source: 'no BatchNorm layers' };
const CLASSES = (classes: number, source: string): Figure<number[]> => ({ value: [classes], source });

/** BatchNorm channels of one torchvision dense block: norm1 sees in + j·k, norm2 sees 4k, for j = 0 … n−1. */
function denseBlockBnChannels(input: number, layers: number, growth = 32): number {
  return layers * input + (growth * layers * (layers - 1)) / 2 + layers * 4 * growth;
}

/** BatchNorm channels of torchvision's InceptionA/C/E (every BasicConv2d output, summed). */
const inceptionV3Bn = {
  A: (poolFeatures: number) => 64 + 48 + 64 + 64 + 96 + 96 + poolFeatures,
  B: 384 + 64 + 96 + 96,
  C: (c7: number) => 192 + (c7 + c7 + 192) + (4 * c7 + 192) + 192,
  D: 192 + 320 + 4 * 192,
  E: 320 + 3 * 384 + 448 + 3 * 384 + 192,
};

/**
 * TF-slim inception_v2.py (use_separable_conv=False) transcribed: [c1, c3reduce, c3, d3reduce, d3, poolProj] of
 * Mixed_3b … Mixed_5c; c1 = 0 and poolProj = 0 in the stride-2 modules Mixed_4a and Mixed_5a (no 1×1 branch, the
 * pool passes through). Conv weights have no bias; each conv has a BatchNorm (γ, β trainable; mean, var not).
 * MACs at 224×224: the stem runs at 112² and 56², the modules at 28², 14² and 7²; in a stride-2 module the 1×1
 * reductions and the unstrided 3×3 run at the input size, the strided 3×3s at the output size.
 */
function inceptionV2Counts(classes: number): { trainable: number; bnChannels: number; macs: number } {
  const mixed = [
    [64, 64, 64, 64, 96, 32],
    [64, 64, 96, 64, 96, 64],
    [0, 128, 160, 64, 96, 0],
    [224, 64, 96, 96, 128, 128],
    [192, 96, 128, 96, 128, 128],
    [160, 128, 160, 128, 160, 96],
    [96, 128, 192, 160, 192, 96],
    [0, 128, 192, 192, 256, 0],
    [352, 192, 320, 160, 224, 128],
    [352, 192, 320, 192, 224, 128],
  ] as const;
  // Stem: 7×7/2 conv 3→64 (112²), 1×1 conv 64→64 and 3×3 conv 64→192 (56²).
  let weights = 49 * 3 * 64 + 64 * 64 + 9 * 64 * 192;
  let macs = 112 * 112 * 49 * 3 * 64 + 56 * 56 * (64 * 64 + 9 * 64 * 192);
  let bnChannels = 64 + 64 + 192;
  let channels = 192;
  let size = 28;
  for (const [c1, c3reduce, c3, d3reduce, d3, poolProj] of mixed) {
    const atInput = channels * (c1 + c3reduce + d3reduce + poolProj) + 9 * d3reduce * d3;
    const strided = 9 * (c3reduce * c3 + d3 * d3);
    const reduces = c1 === 0 && poolProj === 0;
    weights += atInput + strided;
    macs += size * size * atInput + (reduces ? (size / 2) ** 2 : size * size) * strided;
    if (reduces) size /= 2;
    bnChannels += c1 + c3reduce + c3 + d3reduce + 2 * d3 + poolProj;
    channels = c1 + c3 + d3 + (poolProj || channels);
  }
  // Logits: a 1×1 conv with bias on the pooled features (a Dense layer here).
  return { trainable: weights + 2 * bnChannels + channels * classes + classes, bnChannels, macs: macs + channels * classes };
}

// d2l §7.6 LeNet: conv1 6·(1·25)+6, conv2 16·(6·25)+16, fc1 400·120+120, fc2 120·84+84, fc3 84·10+10.
const LENET5_PARAMS = 6 * 25 + 6 + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
// conv1 28·28·6·25, conv2 10·10·16·150, dense 400·120 + 120·84 + 84·10.
const LENET5_MACS = 28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 400 * 120 + 120 * 84 + 84 * 10;

export const ZOO_EXPECTATIONS: readonly ZooExpectation[] = [
  {
    id: 'lenet5',
    input: [1, 28, 28],
    classes: 10,
    trainableParams: { value: LENET5_PARAMS, source: 'derived from d2l §7.6 layer definitions (61,706, as stated in the project brief)' },
    nonTrainableParams: NO_BN,
    macs: { exact: LENET5_MACS, source: 'derived from d2l §7.6' },
    outputShape: CLASSES(10, 'd2l §7.6 printed shapes: Linear output torch.Size([1, 10])'),
    receptiveField: null,
    classifier: 'fc3',
    sizeIndependentParams: false,
    minSize: null,
  },
  {
    id: 'lenet5-relu',
    input: [1, 28, 28],
    classes: 10,
    trainableParams: { value: LENET5_PARAMS, source: 'same layers as lenet5 (activations and pooling have no parameters)' },
    nonTrainableParams: NO_BN,
    macs: { exact: LENET5_MACS, source: 'same convolutions and dense layers as lenet5' },
    outputShape: CLASSES(10, 'd2l §7.6'),
    receptiveField: null,
    classifier: 'fc3',
    sizeIndependentParams: false,
    minSize: null,
  },
  {
    id: 'alexnet',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 61_100_840, source: TV('alexnet', 'AlexNet_Weights.IMAGENET1K_V1') },
    nonTrainableParams: NO_BN,
    // conv1 55²·64·363, conv2 27²·192·1600, conv3 13²·384·1728, conv4 13²·256·3456, conv5 13²·256·2304,
    // fc 9216·4096 + 4096·4096 + 4096·1000 — 0.714 G as torchvision's _ops says.
    macs: {
      exact: 55 * 55 * 64 * 363 + 27 * 27 * 192 * 1600 + 13 * 13 * (384 * 1728 + 256 * 3456 + 256 * 2304) + 9216 * 4096 + 4096 * 4096 + 4096 * 1000,
      source: `derived by hand; agrees with ${TV('alexnet', 'AlexNet_Weights.IMAGENET1K_V1')} _ops 0.714`,
    },
    outputShape: CLASSES(1000, 'torchvision AlexNet classifier Linear(4096, num_classes)'),
    receptiveField: { size: 195, stride: 32, padding: null, source: ARAUJO('alexnet_v2/pool5 size and stride only') },
    classifier: 'fc8',
    sizeIndependentParams: true,
    minSize: { value: 63, source: TV_MIN('alexnet', 'AlexNet_Weights', 63) },
  },
  {
    id: 'alexnet-paper',
    input: [3, 227, 227],
    classes: 1000,
    trainableParams: {
      // conv1 96·3·121+96, conv2 256·48·25+256, conv3 384·256·9+384, conv4 384·192·9+384, conv5 256·192·9+256,
      // fc6 9216·4096+4096, fc7 4096·4096+4096, fc8 4096·1000+1000
      value:
        96 * 3 * 121 + 96 + (256 * 48 * 25 + 256) + (384 * 256 * 9 + 384) + (384 * 192 * 9 + 384) + (256 * 192 * 9 + 256) +
        (9216 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000),
      source: 'derived from Krizhevsky et al. 2012 Fig. 2 (paper: "60 million"; Sze et al. 2017: 61M)',
    },
    nonTrainableParams: NO_BN,
    // conv1 55²·96·363, conv2 27²·256·(48·25), conv3 13²·384·(256·9), conv4 13²·384·(192·9), conv5 13²·256·(192·9),
    // fc 9216·4096 + 4096·4096 + 4096·1000
    macs: {
      exact:
        55 * 55 * 96 * 363 + 27 * 27 * 256 * 1200 + 13 * 13 * (384 * 2304 + 384 * 1728 + 256 * 1728) + 9216 * 4096 + 4096 * 4096 + 4096 * 1000,
      source: 'derived by hand; Sze et al., Proc. IEEE 2017, Table III: 724M MACs (666M conv + 58.6M fc)',
    },
    outputShape: CLASSES(1000, 'Krizhevsky et al. 2012: 1000-way softmax'),
    receptiveField: { size: 195, stride: 32, padding: 64, source: ARAUJO('alexnet_v2/pool5 195/32/64') },
    classifier: 'fc8',
    sizeIndependentParams: false,
    minSize: null,
  },
  {
    id: 'alexnet-d2l',
    input: [1, 224, 224],
    classes: 10,
    trainableParams: {
      // conv1 96·121+96, conv2 256·96·25+256, conv3 384·256·9+384, conv4 384·384·9+384, conv5 256·384·9+256,
      // fc 6400·4096+4096, 4096·4096+4096, 4096·10+10
      value:
        96 * 121 + 96 + (256 * 96 * 25 + 256) + (384 * 256 * 9 + 384) + (384 * 384 * 9 + 384) + (256 * 384 * 9 + 256) +
        (6400 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 10 + 10),
      source: 'derived from d2l §8.1 (46,764,746, as stated in the project brief)',
    },
    nonTrainableParams: NO_BN,
    // conv1 54²·96·121, conv2 26²·256·2400, conv3 12²·384·2304, conv4 12²·384·3456, conv5 12²·256·3456, fc
    macs: {
      exact: 54 * 54 * 96 * 121 + 26 * 26 * 256 * 2400 + 12 * 12 * (384 * 2304 + 384 * 3456 + 256 * 3456) + 6400 * 4096 + 4096 * 4096 + 4096 * 10,
      source: 'derived from d2l §8.1',
    },
    outputShape: CLASSES(10, 'd2l §8.1 printed shapes: Linear output torch.Size([1, 10])'),
    receptiveField: { size: 195, stride: 32, padding: null, source: ARAUJO('alexnet_v2/pool5 size and stride only') },
    classifier: 'fc8',
    sizeIndependentParams: false,
    minSize: null,
  },
  {
    id: 'vgg11',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 132_863_336, source: TV('vgg', 'VGG11_Weights.IMAGENET1K_V1') },
    nonTrainableParams: NO_BN,
    macs: { gmacs3: 7.609, source: TV('vgg', 'VGG11_Weights.IMAGENET1K_V1') },
    outputShape: CLASSES(1000, 'torchvision VGG classifier'),
    receptiveField: { size: 150, stride: 32, padding: 59, source: ARAUJO('vgg_a/pool5 150/32/59') },
    classifier: 'fc8',
    sizeIndependentParams: true,
    minSize: { value: 32, source: TV_MIN('vgg', 'VGG11_Weights', 32) },
  },
  {
    id: 'vgg16',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 138_357_544, source: TV('vgg', 'VGG16_Weights.IMAGENET1K_V1') },
    nonTrainableParams: NO_BN,
    macs: { gmacs3: 15.47, source: TV('vgg', 'VGG16_Weights.IMAGENET1K_V1 (_ops 15.47)') },
    outputShape: CLASSES(1000, 'torchvision VGG classifier'),
    receptiveField: { size: 212, stride: 32, padding: 90, source: ARAUJO('vgg_16/pool5 212/32/90') },
    classifier: 'fc8',
    sizeIndependentParams: true,
    minSize: { value: 32, source: TV_MIN('vgg', 'VGG16_Weights', 32) },
  },
  {
    id: 'vgg11-bn',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 132_868_840, source: TV('vgg', 'VGG11_BN_Weights.IMAGENET1K_V1') },
    // BatchNorm after each conv: 64 + 128 + 2·256 + 2·512 + 2·512 channels
    nonTrainableParams: { value: 2 * (64 + 128 + 2 * 256 + 2 * 512 + 2 * 512), source: 'derived from configuration A' },
    macs: { gmacs3: 7.609, source: TV('vgg', 'VGG11_BN_Weights.IMAGENET1K_V1') },
    outputShape: CLASSES(1000, 'torchvision VGG classifier'),
    receptiveField: { size: 150, stride: 32, padding: 59, source: ARAUJO('vgg_a/pool5 150/32/59 (BatchNorm is pointwise)') },
    classifier: 'fc8',
    sizeIndependentParams: true,
    minSize: { value: 32, source: TV_MIN('vgg', 'VGG11_BN_Weights', 32) },
  },
  {
    id: 'vgg16-bn',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 138_365_992, source: TV('vgg', 'VGG16_BN_Weights.IMAGENET1K_V1') },
    nonTrainableParams: { value: 2 * (2 * 64 + 2 * 128 + 3 * 256 + 3 * 512 + 3 * 512), source: 'derived from configuration D' },
    macs: { gmacs3: 15.47, source: TV('vgg', 'VGG16_BN_Weights.IMAGENET1K_V1 (_ops 15.47)') },
    outputShape: CLASSES(1000, 'torchvision VGG classifier'),
    receptiveField: { size: 212, stride: 32, padding: 90, source: ARAUJO('vgg_16/pool5 212/32/90 (BatchNorm is pointwise)') },
    classifier: 'fc8',
    sizeIndependentParams: true,
    minSize: { value: 32, source: TV_MIN('vgg', 'VGG16_BN_Weights', 32) },
  },
  {
    id: 'nin',
    input: [1, 224, 224],
    classes: 10,
    trainableParams: {
      // nin1: 96·121+96 + 2·(96·96+96); nin2: 256·96·25+256 + 2·(256²+256); nin3: 384·256·9+384 + 2·(384²+384);
      // nin4: 10·384·9+10 + 2·(10·10+10)
      value:
        96 * 121 + 96 + 2 * (96 * 96 + 96) + (256 * 96 * 25 + 256 + 2 * (256 * 256 + 256)) + (384 * 256 * 9 + 384 + 2 * (384 * 384 + 384)) +
        (10 * 384 * 9 + 10 + 2 * (10 * 10 + 10)),
      source: 'derived from d2l §8.3 (the book prints shapes, not a total)',
    },
    nonTrainableParams: NO_BN,
    // 54² after nin1, 26² after nin2, 12² after nin3, 5² at nin4; each block = k×k conv + two 1×1 convs
    macs: {
      exact:
        54 * 54 * 96 * (121 + 2 * 96) + 26 * 26 * 256 * (96 * 25 + 2 * 256) + 12 * 12 * 384 * (256 * 9 + 2 * 384) + 5 * 5 * 10 * (384 * 9 + 2 * 10),
      source: 'derived from d2l §8.3',
    },
    outputShape: CLASSES(10, 'd2l §8.3 printed shapes: Flatten output torch.Size([1, 10])'),
    receptiveField: null,
    classifier: 'nin4.',
    sizeIndependentParams: true,
    minSize: null,
  },
  {
    id: 'googlenet',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 6_624_904, source: TV('googlenet', 'GoogLeNet_Weights.IMAGENET1K_V1') },
    // BasicConv2d outputs: stem 64 + 64 + 192; per Inception c1 + c3r + c3 + c5r + c5 + pool_proj
    nonTrainableParams: {
      value: 2 * (64 + 64 + 192 + 368 + 640 + 624 + 648 + 664 + 704 + 1024 + 1024 + 1264),
      source: 'derived from torchvision googlenet.py Inception channel table',
    },
    macs: { gmacs3: 1.498, source: TV('googlenet', 'GoogLeNet_Weights.IMAGENET1K_V1') },
    outputShape: CLASSES(1000, 'torchvision GoogLeNet fc Linear(1024, num_classes)'),
    receptiveField: null,
    classifier: 'fc',
    sizeIndependentParams: true,
    minSize: {
      value: 15,
      source: TV_MIN('googlenet', 'GoogLeNet_Weights', 15),
      knownDiscrepancy:
        "At 15×15, maxpool3 (3×3/2, ceil mode) sees a 2×2 input. PyTorch's pooling_output_shape allows a ceil-mode window that starts inside the input and overhangs it (output 1×1); renderer/core/layers' windowOutputSize rejects any window longer than the padded input, so our analysis needs 31×31 (reported to the layer-catalogue owner).",
    },
  },
  {
    id: 'inception-v2',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: {
      value: inceptionV2Counts(1000).trainable,
      source: 'derived from TF-slim inception_v2.py, with PyTorch-style BatchNorm (γ and β; TF-slim has β only) — no published total for this variant',
    },
    nonTrainableParams: { value: 2 * inceptionV2Counts(1000).bnChannels, source: 'derived from TF-slim inception_v2.py' },
    // No published exact count: Araujo et al.'s 4.051 "FLOPs (Billion)" at Mixed_5c (224) is TF's profiler count
    // (2 per multiply-add plus BatchNorm, bias and pooling operations); 2 × the MACs derived here, without the
    // logits, is 4.036 G, 0.4% below it, as those extra operations would explain. torchvision has no Inception v2.
    macs: { exact: inceptionV2Counts(1000).macs, source: 'derived from TF-slim inception_v2.py at 224×224' },
    outputShape: CLASSES(1000, 'TF-slim inception_v2 logits (num_classes)'),
    receptiveField: {
      size: 699,
      stride: 32,
      padding: 349,
      source: ARAUJO(
        'inception_v2-no-separable-conv/Mixed_5c 699/32 at every resolution; padding 349 is its value at resolution 321, where TF SAME pads odd sizes symmetrically as we do at every size (at 224 TF pads only bottom/right: 318)',
      ),
    },
    classifier: 'fc',
    sizeIndependentParams: true,
    minSize: null,
  },
  {
    id: 'inception-v3',
    input: [3, 299, 299],
    classes: 1000,
    trainableParams: { value: 27_161_264 - 3_326_696, source: `${TV('inception', 'Inception_V3_Weights.IMAGENET1K_V1')} minus the AuxLogits head` },
    nonTrainableParams: {
      value:
        2 *
        (32 + 32 + 64 + 80 + 192 +
          inceptionV3Bn.A(32) + inceptionV3Bn.A(64) + inceptionV3Bn.A(64) + inceptionV3Bn.B +
          inceptionV3Bn.C(128) + inceptionV3Bn.C(160) + inceptionV3Bn.C(160) + inceptionV3Bn.C(192) +
          inceptionV3Bn.D + 2 * inceptionV3Bn.E),
      source: 'derived from torchvision inception.py',
    },
    macs: { gmacs3: 5.713, source: TV('inception', 'Inception_V3_Weights.IMAGENET1K_V1') },
    outputShape: CLASSES(1000, 'torchvision Inception3 fc Linear(2048, num_classes)'),
    receptiveField: { size: 1311, stride: 32, padding: 618, source: ARAUJO('inception_v3/Mixed_7c 1311/32/618') },
    classifier: 'fc',
    sizeIndependentParams: true,
    minSize: { value: 75, source: TV_MIN('inception', 'Inception_V3_Weights', 75) },
  },
  {
    id: 'resnet18',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 11_689_512, source: TV('resnet', 'ResNet18_Weights.IMAGENET1K_V1') },
    // bn1 64; per stage 4 BatchNorms of the stage width, plus the projection's in layer2–4
    nonTrainableParams: { value: 2 * (64 + 4 * 64 + (4 * 128 + 128) + (4 * 256 + 256) + (4 * 512 + 512)), source: 'derived from torchvision resnet.py' },
    macs: { gmacs3: 1.814, source: TV('resnet', 'ResNet18_Weights.IMAGENET1K_V1') },
    outputShape: CLASSES(1000, 'torchvision ResNet fc'),
    receptiveField: null,
    classifier: 'fc',
    sizeIndependentParams: true,
    minSize: { value: 1, source: TV_MIN('resnet', 'ResNet18_Weights', 1) },
  },
  {
    id: 'resnet50',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 25_557_032, source: TV('resnet', 'ResNet50_Weights.IMAGENET1K_V1') },
    // bn1 64; a bottleneck of width w has BatchNorms of w, w, 4w; each stage's first block adds a 4w projection
    nonTrainableParams: {
      value: 2 * (64 + (3 * 6 * 64 + 256) + (4 * 6 * 128 + 512) + (6 * 6 * 256 + 1024) + (3 * 6 * 512 + 2048)),
      source: 'derived from torchvision resnet.py',
    },
    macs: { gmacs3: 4.089, source: TV('resnet', 'ResNet50_Weights.IMAGENET1K_V1') },
    outputShape: CLASSES(1000, 'torchvision ResNet fc'),
    receptiveField: null,
    classifier: 'fc',
    sizeIndependentParams: true,
    minSize: { value: 1, source: TV_MIN('resnet', 'ResNet50_Weights', 1) },
  },
  {
    id: 'densenet121',
    input: [3, 224, 224],
    classes: 1000,
    trainableParams: { value: 7_978_856, source: TV('densenet', 'DenseNet121_Weights.IMAGENET1K_V1') },
    // norm0 64; blocks of 6, 12, 24, 16 layers entering with 64, 128, 256, 512 channels; transition norms 256,
    // 512, 1024; norm5 1024
    nonTrainableParams: {
      value:
        2 *
        (64 + denseBlockBnChannels(64, 6) + 256 + denseBlockBnChannels(128, 12) + 512 + denseBlockBnChannels(256, 24) + 1024 +
          denseBlockBnChannels(512, 16) + 1024),
      source: 'derived from torchvision densenet.py',
    },
    macs: { gmacs3: 2.834, source: TV('densenet', 'DenseNet121_Weights.IMAGENET1K_V1') },
    outputShape: CLASSES(1000, 'torchvision DenseNet classifier'),
    receptiveField: null,
    classifier: 'classifier',
    sizeIndependentParams: true,
    minSize: { value: 29, source: TV_MIN('densenet', 'DenseNet121_Weights', 29) },
  },
];
