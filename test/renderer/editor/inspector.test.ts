import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../models/index';
import { analyse } from '../../../renderer/core/analysis';
import type { LayerNode } from '../../../renderer/core/ir';
import { blockFields, fieldText, LAYER_FIELDS, layerFormulas, parseBlockParam, parseField, parseRepeat, updateAttrs } from '../../../renderer/editor/inspector';
import { isTyping, shortcutFor } from '../../../renderer/editor/keys';
import { groupEntries, paletteCatalogue, searchPalette } from '../../../renderer/editor/palette';
import { parseInputShape } from '../../../renderer/editor/templates';

const spec = (kind: keyof typeof LAYER_FIELDS, name: string) => LAYER_FIELDS[kind].find((field) => field.name === name)!;

describe('inspector fields', () => {
  it('reads numbers, pairs and padding forms, and an empty optional field as the default', () => {
    expect(parseField(spec('Conv2d', 'kernel'), '3')).toEqual({ ok: true, value: 3 });
    expect(parseField(spec('Conv2d', 'kernel'), '1×7')).toEqual({ ok: true, value: [1, 7] });
    expect(parseField(spec('Conv2d', 'kernel'), '5x5')).toEqual({ ok: true, value: 5 });
    expect(parseField(spec('Conv2d', 'padding'), 'same')).toEqual({ ok: true, value: 'same' });
    expect(parseField(spec('Conv2d', 'padding'), '0,1,1,2')).toEqual({ ok: true, value: [0, 1, 1, 2] });
    expect(parseField(spec('Conv2d', 'stride'), '')).toEqual({ ok: true, value: undefined });
    expect(parseField(spec('Conv2d', 'outChannels'), '').ok).toBe(false);
    expect(parseField(spec('Conv2d', 'kernel'), 'big')).toMatchObject({ ok: false, message: expect.stringContaining('“big”') });
    expect(fieldText([3, 5])).toBe('3×5');
    expect(fieldText(undefined)).toBe('');
  });

  it('checks edits with the layer catalogue, so the inspector never accepts what the core rejects', () => {
    const attrs = { outChannels: 96, kernel: 11, stride: 4, padding: 1 };
    const changed = updateAttrs('Conv2d', 'conv1', attrs, spec('Conv2d', 'stride'), '');
    expect(changed).toEqual({ ok: true, attrs: { outChannels: 96, kernel: 11, padding: 1 } });
    const zero = updateAttrs('Conv2d', 'conv1', attrs, spec('Conv2d', 'outChannels'), '0');
    expect(zero).toMatchObject({ ok: false, message: expect.stringMatching(/outChannels = 0/) });
    const groups = updateAttrs('Conv2d', 'conv1', attrs, spec('Conv2d', 'groups'), '5');
    expect(groups).toMatchObject({ ok: false, message: expect.stringMatching(/groups 5/) });
    expect(updateAttrs('Dense', 'fc', { outFeatures: 10 }, spec('Dense', 'bias'), false)).toEqual({ ok: true, attrs: { outFeatures: 10, bias: false } });
  });

  it("works AlexNet's formulas with its own numbers, ending in the core's figures", () => {
    const graph = zooModel('alexnet-d2l')!.build();
    const analysis = analyse(graph);
    const convs = graph.nodes.filter((node): node is LayerNode => node.kind === 'Conv2d');
    const conv1 = convs[0]!;
    const report = analysis.layers.find((row) => row.name === conv1.id);
    const formulas = layerFormulas('Conv2d', conv1.id, conv1.attrs, report);
    const byWhat = new Map(formulas.map((formula) => [formula.what, formula.worked]));
    expect(byWhat.get('Output H')).toBe('⌊(224 + 2·1 − 11) / 4⌋ + 1 = 54');
    expect(byWhat.get('Parameters')).toBe('96 · 1 · 11 · 11 + 96 = 11,712');
    expect(byWhat.get('MACs')).toBe(`96 · 54 · 54 · 1 · 11 · 11 = ${(96 * 54 * 54 * 121).toLocaleString('en-US')}`);
    const fc = graph.nodes.find((node): node is LayerNode => node.kind === 'Dense')!;
    const dense = layerFormulas('Dense', fc.id, fc.attrs, analysis.layers.find((row) => row.name === fc.id));
    expect(dense[0]!.worked).toBe('6400 · 4096 + 4096 = 26,218,496');
    const pool = graph.nodes.find((node): node is LayerNode => node.kind === 'MaxPool2d')!;
    expect(layerFormulas('MaxPool2d', pool.id, pool.attrs, analysis.layers.find((row) => row.name === pool.id))[0]!.worked).toBe('⌊(54 + 2·0 − 3) / 2⌋ + 1 = 26');
  });

  it('reads block parameters within the block catalogue limits', () => {
    const fields = blockFields('DenseBlock');
    const growth = fields.find((field) => field.name === 'growth')!;
    expect(parseBlockParam(growth, '12')).toEqual({ ok: true, value: 12 });
    expect(parseBlockParam(growth, '0').ok).toBe(false);
    expect(parseBlockParam(growth, '1.5').ok).toBe(false);
    expect(parseRepeat('3')).toEqual({ ok: true, value: 3 });
    expect(parseRepeat('0').ok).toBe(false);
    expect(blockFields('NoSuchBlock')).toEqual([]);
  });
});

describe('palette, shortcuts and the input control', () => {
  it('lists every layer kind and block type, and searches names before descriptions', () => {
    const entries = paletteCatalogue();
    expect(entries.filter((entry) => entry.item.type === 'layer')).toHaveLength(Object.keys(LAYER_FIELDS).length);
    expect(entries.some((entry) => entry.item.type === 'block' && entry.item.block === 'ResidualBasic')).toBe(true);
    const conv = searchPalette(entries, 'conv');
    expect(conv[0]!.title).toBe('Conv2d');
    expect(searchPalette(entries, 'residual block').every((entry) => entry.group === 'Blocks')).toBe(true);
    expect(searchPalette(entries, 'zzz')).toEqual([]);
    expect(groupEntries(entries)[0]!.group).toBe('Input');
  });

  it('maps keys to commands, and ignores them while typing', () => {
    const key = (key: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
      shortcutFor({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(key('z', { ctrlKey: true })).toBe('undo');
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(key('y', { metaKey: true })).toBe('redo');
    expect(key('Delete')).toBe('delete');
    expect(key('v', { ctrlKey: true })).toBe('paste');
    expect(key('f')).toBe('fit');
    expect(key('q')).toBeNull();
    expect(isTyping({ tagName: 'INPUT' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'DIV', isContentEditable: false } as unknown as EventTarget)).toBe(false);
  });

  it('reads the input size control', () => {
    expect(parseInputShape('3×224×224')).toEqual([3, 224, 224]);
    expect(parseInputShape(' 1 x 28 x 28 ')).toEqual([1, 28, 28]);
    expect(parseInputShape('3,32,32')).toEqual([3, 32, 32]);
    expect(parseInputShape('3×224')).toBeNull();
    expect(parseInputShape('0×2×2')).toBeNull();
  });
});
