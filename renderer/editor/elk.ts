// Which ELK the app lays out with. elkjs's own worker build runs in a Web Worker loaded from the app's origin
// (allowed by the CSP's worker-src 'self'), so a long layout — densenet121 with every block expanded takes
// seconds — never freezes the canvas. Where a worker cannot start or answer, the bundled build (pure JS, no
// eval, so the CSP's script-src allows it) runs on the main thread instead; it is loaded only then.
import ELKApi from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { ElkLike } from './layout';

/**
 * A worker whose first layout has not answered in this time is taken as one that never started (a worker script
 * that fails to load reports nothing); once it has answered, big layouts get all the time they need.
 */
const FIRST_ANSWER_MS = 8_000;
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

export class AppElk implements ElkLike {
  private worker: ElkLike | null = workerElk();
  private fallback: Promise<ElkLike> | null = null;
  private answered = false;
  /** Where the last layout ran, for the benchmark and the status line. */
  where: 'worker' | 'main thread' = 'worker';

  async layout(graph: ElkNode): Promise<ElkNode> {
    if (this.worker) {
      try {
        const result = await Promise.race([
          this.worker.layout(graph),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('The ELK worker did not answer.')), this.answered ? LATER_ANSWER_MS : FIRST_ANSWER_MS),
          ),
        ]);
        this.answered = true;
        this.where = 'worker';
        return result;
      } catch (error) {
        // A graph ELK rejects is rejected by either build; only a worker that failed to run is replaced.
        if (!(error instanceof Error) || !/worker/i.test(error.message)) throw error;
        this.worker = null;
      }
    }
    this.fallback ??= mainThreadElk();
    this.where = 'main thread';
    return (await this.fallback).layout(graph);
  }
}
