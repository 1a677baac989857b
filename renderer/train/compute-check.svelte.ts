// State of the Train area's compute check: idle, running, or a result (or the error that stopped it).
import type { ComputeCheckResult } from '../runtime/compute-check';

class ComputeCheckState {
  running = $state(false);
  result = $state<ComputeCheckResult | null>(null);
  error = $state<string | null>(null);

  async run(): Promise<void> {
    this.running = true;
    this.error = null;
    try {
      // Loaded on demand: the compiler and onnxruntime-web are large, and most visits to the area do not need them.
      const { runComputeCheck } = await import('../runtime/compute-check');
      this.result = await runComputeCheck();
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.running = false;
    }
  }
}

export const computeCheck = new ComputeCheckState();
