// Which ELK the app lays out with. elkjs's own worker build runs in a Web Worker loaded from the app's origin
// (allowed by the CSP's worker-src 'self'), so a long layout — densenet121 with every block expanded takes
// seconds — never freezes the canvas. Several workers lay out an expanded model's frames side by side. Where no
// worker can start or answer, the bundled build (pure JS, no eval, so the CSP's script-src allows it) runs on
// the main thread instead; it is loaded only then.
import ELKApi from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { ElkLike } from './layout';

/**
 * A worker whose warm-up layout has not answered in this time is taken as one that never started (a worker script
 * that fails to load reports nothing); once it has answered, big layouts get all the time they need.
 */
const FIRST_ANSWER_MS = 15_000;
const LATER_ANSWER_MS = 120_000;

async function mainThreadElk(): Promise<ElkLike> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  return new ELK();
}

function workerElk(): ElkLike | null {
  if (typeof Worker === 'undefined' || location.protocol === 'file:') return null;
  try {
    return new ELKApi({ workerUrl: elkWorkerUrl });
  } catch {
    return null;
  }
}

/** Frames are laid out side by side (layout.ts), one per worker: as many workers as cores, up to four. */
const WORKERS = Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2));

interface PoolWorker {
  elk: ElkLike;
  busy: number;
  /** Settles when the worker has answered its warm-up layout; rejects when it never answers. */
  ready: Promise<void>;
}

/**
 * A small chain with skip arrows, like a dense block: laid out once by each new worker, so it shows whether the
 * worker runs at all, and so ELK's code is compiled before the first real layout (a fresh worker is ~2× slower).
 */
function warmUpGraph(): ElkNode {
  const count = 36;
  const children = Array.from({ length: count }, (_, i) => ({ id: `n${i}`, width: 190, height: 58 }));
  const edges = children.slice(1).map((_, i) => ({ id: `e${i}`, sources: [`n${i}`], targets: [`n${i + 1}`] }));
  for (let i = 0; i + 6 < count; i += 6) edges.push({ id: `s${i}`, sources: [`n${i}`], targets: [`n${i + 6}`] });
  return { id: 'warm-up', layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'DOWN' }, children, edges };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('The ELK worker did not answer.')), ms))]);
}

export class AppElk implements ElkLike {
  private workers: PoolWorker[] = [];
  private fallback: Promise<ElkLike> | null = null;
  /** Where the last layout ran, for the benchmark and the status line. */
  where: 'worker' | 'main thread' = 'worker';

  constructor(workers = WORKERS) {
    for (let i = 0; i < workers; i++) {
      const elk = workerElk();
      if (!elk) continue;
      const ready = withTimeout(elk.layout(warmUpGraph()), FIRST_ANSWER_MS).then(() => undefined);
      ready.catch(() => undefined); // a worker that never answers is dropped by the layout that finds out
      this.workers.push({ elk, busy: 0, ready });
    }
  }

  async layout(graph: ElkNode): Promise<ElkNode> {
    while (this.workers.length > 0) {
      const worker = this.workers.reduce((least, next) => (next.busy < least.busy ? next : least));
      worker.busy++;
      try {
        await worker.ready;
        const result = await withTimeout(worker.elk.layout(graph), LATER_ANSWER_MS);
        this.where = 'worker';
        return result;
      } catch (error) {
        // A graph ELK rejects is rejected by either build; only a worker that failed to run is replaced.
        if (!(error instanceof Error) || !/worker/i.test(error.message)) throw error;
        this.workers = this.workers.filter((entry) => entry !== worker);
      } finally {
        worker.busy--;
      }
    }
    this.fallback ??= mainThreadElk();
    this.where = 'main thread';
    return (await this.fallback).layout(graph);
  }
}
