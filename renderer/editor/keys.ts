// Keyboard shortcuts of the Model area, as a pure mapping from a key event to a command.

export type Shortcut = 'undo' | 'redo' | 'delete' | 'copy' | 'cut' | 'paste' | 'duplicate' | 'select-all' | 'group' | 'fit' | 'layout' | 'escape';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'Ctrl+Z', what: 'undo' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', what: 'redo' },
  { keys: 'Delete / Backspace', what: 'delete the selection' },
  { keys: 'Ctrl+C / Ctrl+X / Ctrl+V', what: 'copy, cut, paste' },
  { keys: 'Ctrl+D', what: 'duplicate' },
  { keys: 'Ctrl+A', what: 'select all' },
  { keys: 'Ctrl+G', what: 'group the selection into a block' },
  { keys: 'F', what: 'zoom to fit' },
  { keys: 'L', what: 'automatic layout' },
  { keys: 'Shift+drag', what: 'select a region; Ctrl+click adds to the selection' },
];

export function shortcutFor(event: KeyLike): Shortcut | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && !event.altKey) {
    if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
    if (key === 'y') return 'redo';
    if (key === 'c') return 'copy';
    if (key === 'x') return 'cut';
    if (key === 'v') return 'paste';
    if (key === 'd') return 'duplicate';
    if (key === 'a') return 'select-all';
    if (key === 'g') return 'group';
    return null;
  }
  if (event.altKey || event.shiftKey) return null;
  if (key === 'delete' || key === 'backspace') return 'delete';
  if (key === 'f') return 'fit';
  if (key === 'l') return 'layout';
  if (key === 'escape') return 'escape';
  return null;
}

/** Shortcuts must not fire while the user types in a field. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName) || element.isContentEditable;
}
