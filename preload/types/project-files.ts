// Project files opened through the main process's native dialog (Electron).

export interface OpenedProjectFile {
  /** The absolute path the user chose. */
  path: string;
  /** The file's text, already checked to be a Model Lab project or graph. */
  json: string;
}
