// The checkpoint calls of the IPC contract. main/handlers.ts spreads these in.
import type { Handlers } from '../../../preload/contract';
import { deleteCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint } from './store';

export type CheckpointCallName = 'checkpointSave' | 'checkpointList' | 'checkpointLoad' | 'checkpointDelete';

export function checkpointHandlers(root: string): Pick<Handlers, CheckpointCallName> {
  return {
    checkpointSave: (request) => saveCheckpoint(root, request),
    checkpointList: () => listCheckpoints(root),
    checkpointLoad: (name) => loadCheckpoint(root, name),
    checkpointDelete: (name) => deleteCheckpoint(root, name),
  };
}
