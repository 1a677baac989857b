import { describe, expect, it } from 'vitest';
import { LAYER_KINDS } from '../../../renderer/core/ir';
import { catalogue, isLayerKind, normaliseAttrs, paletteEntries } from '../../../renderer/core/layers/index';

describe('layer catalogue', () => {
  it('files every kind under its own name', () => {
    expect(Object.keys(catalogue).sort()).toEqual([...LAYER_KINDS].sort());
    for (const kind of LAYER_KINDS) expect(catalogue[kind].kind).toBe(kind);
  });

  it("has palette defaults that pass the kind's own checks", () => {
    for (const kind of LAYER_KINDS) {
      const result = normaliseAttrs(kind, 'new', catalogue[kind].palette.defaultAttrs);
      expect(result.ok, `${kind} defaults`).toBe(true);
      expect(catalogue[kind].palette.description.length).toBeGreaterThan(10);
    }
  });

  it('lists every kind once in the palette, grouped by category', () => {
    const entries = paletteEntries();
    expect(entries.map((entry) => entry.kind).sort()).toEqual([...LAYER_KINDS].sort());
    const categories = entries.map((entry) => entry.palette.category);
    expect(categories.filter((category, index) => category !== categories[index - 1])).toEqual([...new Set(categories)]);
  });

  it('does not take inherited object properties for kinds', () => {
    expect(isLayerKind('Conv2d')).toBe(true);
    expect(isLayerKind('toString')).toBe(false);
    expect(isLayerKind('conv2d')).toBe(false);
  });
});
