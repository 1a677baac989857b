// The model zoo: published CNNs as LayerGraph data, each buildable at other input sizes, input channels and
// class counts. One file per family, each citing its paper and the reference implementation it matches; the
// figures they must reproduce are in test/models/zoo-expectations.ts.
import type { LayerGraph } from '../renderer/core/ir';
import { alexnet, alexnetD2l, alexnetPaper } from './alexnet';
import { densenet121 } from './densenet';
import { googlenet } from './googlenet';
import { inceptionV2 } from './inception-v2';
import { inceptionV3 } from './inception-v3';
import { lenet5, lenet5Relu } from './lenet';
import { nin } from './nin';
import { resnet18, resnet50 } from './resnet';
import { vgg11, vgg11Bn, vgg16, vgg16Bn } from './vgg';

export interface ZooModel {
  id: string;
  title: string;
  source: string;
  defaultInput: [number, number, number];
  defaultClasses: number;
  build(options?: { input?: [number, number, number]; classes?: number }): LayerGraph;
}

export const zoo: readonly ZooModel[] = [
  lenet5,
  lenet5Relu,
  alexnet,
  alexnetPaper,
  alexnetD2l,
  vgg11,
  vgg16,
  vgg11Bn,
  vgg16Bn,
  nin,
  googlenet,
  inceptionV2,
  inceptionV3,
  resnet18,
  resnet50,
  densenet121,
];

export function zooModel(id: string): ZooModel | undefined {
  return zoo.find((model) => model.id === id);
}
