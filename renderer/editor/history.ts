// Undo and redo for the editor: every edit is a named pure function from one document to the next, and the
// history keeps the documents before and after it. Documents are immutable values (edits return new objects
// and share what they do not change), so a snapshot costs only what the edit touched.

export interface HistoryEntry<T> {
  label: string;
  before: T;
  after: T;
  /** Consecutive edits with the same key (typing into one field) merge into one undo step. */
  mergeKey?: string;
}

export interface ApplyOptions {
  mergeKey?: string;
}

export class History<T> {
  private past: HistoryEntry<T>[] = [];
  private future: HistoryEntry<T>[] = [];
  private current: T;

  constructor(
    initial: T,
    private readonly limit = 500,
  ) {
    this.current = initial;
  }

  get present(): T {
    return this.current;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** The label of the edit undo would revert, or null. */
  get undoLabel(): string | null {
    return this.past.at(-1)?.label ?? null;
  }

  get redoLabel(): string | null {
    return this.future.at(-1)?.label ?? null;
  }

  /** Number of undo steps available. */
  get depth(): number {
    return this.past.length;
  }

  /**
   * Applies an edit. An edit that returns the present document unchanged records nothing (so failed or empty
   * edits do not clutter the undo stack). Returns the new present.
   */
  apply(label: string, edit: (document: T) => T, options: ApplyOptions = {}): T {
    const next = edit(this.current);
    if (next === this.current) return this.current;
    const last = this.past.at(-1);
    if (options.mergeKey !== undefined && last?.mergeKey === options.mergeKey && this.future.length === 0) {
      last.after = next;
    } else {
      const entry: HistoryEntry<T> = { label, before: this.current, after: next };
      if (options.mergeKey !== undefined) entry.mergeKey = options.mergeKey;
      this.past.push(entry);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.future = [];
    this.current = next;
    return next;
  }

  undo(): T | null {
    const entry = this.past.pop();
    if (!entry) return null;
    this.future.push(entry);
    this.current = entry.before;
    return this.current;
  }

  redo(): T | null {
    const entry = this.future.pop();
    if (!entry) return null;
    this.past.push(entry);
    this.current = entry.after;
    return this.current;
  }

  /** Starts over from a new document with an empty history (opening a project or a template). */
  reset(document: T): void {
    this.past = [];
    this.future = [];
    this.current = document;
  }
}
