// Application-wide state: which area is open, what the main process reported, which compute backend runs.
import type { AppInfo } from '../preload/types/app-info';
import { detectBackend, type BackendReport } from './runtime/backend';
import { connectHost, type Host } from './host/host';

export const AREAS = [
  { id: 'model', title: 'Model', hint: 'Design a network and see its shapes, parameters, compute and receptive field' },
  { id: 'data', title: 'Data', hint: 'Import and inspect datasets from your disk' },
  { id: 'train', title: 'Train', hint: 'Train on your GPU (wasm without one)' },
  { id: 'test', title: 'Test', hint: 'Evaluate a trained network and try it on images' },
  { id: 'export', title: 'Export', hint: 'Export the network as an ONNX file' },
] as const;

export type AreaId = (typeof AREAS)[number]['id'];

class AppState {
  readonly host: Host = connectHost();
  area = $state<AreaId>('model');
  info = $state<AppInfo | null>(null);
  infoError = $state<string | null>(null);
  backend = $state<BackendReport | null>(null);
  /** The dataset chosen in the Data area (its name); the Train area trains on it. */
  dataset = $state<string | null>(null);

  async refreshInfo(): Promise<void> {
    try {
      this.info = await this.host.api.appInfo();
      this.infoError = null;
    } catch (error) {
      this.infoError = (error as Error).message;
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.refreshInfo(), detectBackend().then((report) => (this.backend = report))]);
  }
}

export const app = new AppState();
