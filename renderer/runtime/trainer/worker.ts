// The trainer worker's entry: `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`, driven
// by a TrainerClient in the window (browser.ts). Loads onnxruntime-web's WebGPU bundle with a hardware adapter,
// the plain wasm bundle otherwise.
import { browserLoader } from '../ort-browser';
import { startTrainerWorker, type PortLike } from './worker-protocol';

startTrainerWorker(globalThis as unknown as PortLike, browserLoader);
