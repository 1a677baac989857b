export interface AppInfo {
  name: string;
  version: string;
  /** Absolute path of the data folder the main process uses. */
  dataDir: string;
  /** Why this folder: the --data-dir flag, the MODEL_LAB_DATA variable, or the OS default. */
  dataDirSource: 'flag' | 'env' | 'default';
  datasets: number;
  checkpoints: number;
  /** 'electron' or 'web' (the local web host). */
  host: 'electron' | 'web';
  platform: string;
}
