import { describe, expect, it } from 'vitest';
import { History } from '../../../renderer/editor/history';

describe('History', () => {
  it('undoes and redoes edits in order, with their labels', () => {
    const history = new History<number[]>([]);
    history.apply('add 1', (list) => [...list, 1]);
    history.apply('add 2', (list) => [...list, 2]);
    expect(history.present).toEqual([1, 2]);
    expect(history.undoLabel).toBe('add 2');
    expect(history.undo()).toEqual([1]);
    expect(history.redoLabel).toBe('add 2');
    expect(history.undo()).toEqual([]);
    expect(history.undo()).toBeNull();
    expect(history.redo()).toEqual([1]);
    expect(history.redo()).toEqual([1, 2]);
    expect(history.redo()).toBeNull();
  });

  it('drops the redo branch when a new edit follows an undo', () => {
    const history = new History('a');
    history.apply('b', () => 'b');
    history.undo();
    history.apply('c', () => 'c');
    expect(history.canRedo).toBe(false);
    expect(history.undo()).toBe('a');
  });

  it('records nothing for an edit that changes nothing', () => {
    const history = new History({ n: 1 });
    history.apply('noop', (doc) => doc);
    expect(history.canUndo).toBe(false);
  });

  it('merges consecutive edits with the same key into one step', () => {
    const history = new History('');
    history.apply('type', () => '1', { mergeKey: 'field' });
    history.apply('type', () => '12', { mergeKey: 'field' });
    history.apply('other', () => '12!', { mergeKey: 'other' });
    expect(history.depth).toBe(2);
    expect(history.undo()).toBe('12');
    expect(history.undo()).toBe('');
  });

  it('keeps at most `limit` steps and resets to an empty history', () => {
    const history = new History(0, 3);
    for (let i = 1; i <= 5; i++) history.apply('inc', (n) => n + 1);
    expect(history.depth).toBe(3);
    history.undo();
    history.undo();
    history.undo();
    expect(history.present).toBe(2);
    history.reset(10);
    expect(history.canUndo || history.canRedo).toBe(false);
    expect(history.present).toBe(10);
  });
});
