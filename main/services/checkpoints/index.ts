export { CheckpointError } from './errors';
export { CHECKPOINT_MARKER, deleteCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint } from './store';
