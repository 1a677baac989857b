// The palette: every layer kind from the catalogue and every block type, grouped and searchable.
import { BLOCKS, BLOCK_TYPES } from '../core/blocks/index';
import { paletteEntries } from '../core/layers/index';
import type { PaletteItem } from './editor.svelte';

/** The drag-and-drop data type of a palette item (its JSON). */
export const PALETTE_MIME = 'application/x-model-lab-palette';

export interface PaletteEntry {
  item: PaletteItem;
  title: string;
  group: string;
  description: string;
  /** Lower-case text searched by the filter. */
  keywords: string;
}

const GROUP_TITLES: Record<string, string> = {
  input: 'Input',
  convolution: 'Convolution',
  pooling: 'Pooling',
  dense: 'Dense',
  activation: 'Activation',
  normalisation: 'Normalisation',
  regularisation: 'Regularisation',
  merge: 'Merge',
  reshape: 'Reshape',
};

export function paletteCatalogue(): PaletteEntry[] {
  const layers: PaletteEntry[] = paletteEntries().map(({ kind, palette }) => ({
    item: { type: 'layer', kind },
    title: kind,
    group: GROUP_TITLES[palette.category] ?? palette.category,
    description: palette.description,
    keywords: `${kind} ${palette.category} ${palette.description}`.toLowerCase(),
  }));
  const blocks: PaletteEntry[] = BLOCK_TYPES.map((type) => {
    const definition = BLOCKS[type];
    return {
      item: { type: 'block', block: type },
      title: definition.title,
      group: 'Blocks',
      description: definition.description,
      keywords: `${type} ${definition.title} ${definition.description} block`.toLowerCase(),
    };
  });
  return [...layers, ...blocks];
}

/** Entries whose name or description contains every word of the query; names that start with it come first. */
export function searchPalette(entries: readonly PaletteEntry[], query: string): PaletteEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  const matches = entries.filter((entry) => words.every((word) => entry.keywords.includes(word)));
  const first = words[0]!;
  const rank = (entry: PaletteEntry) => (entry.title.toLowerCase().startsWith(first) ? 0 : entry.title.toLowerCase().includes(first) ? 1 : 2);
  return matches.map((entry, index) => ({ entry, index })).sort((a, b) => rank(a.entry) - rank(b.entry) || a.index - b.index).map(({ entry }) => entry);
}

/** Entries grouped in catalogue order. */
export function groupEntries(entries: readonly PaletteEntry[]): { group: string; entries: PaletteEntry[] }[] {
  const groups: { group: string; entries: PaletteEntry[] }[] = [];
  for (const entry of entries) {
    let group = groups.find((candidate) => candidate.group === entry.group);
    if (!group) groups.push((group = { group: entry.group, entries: [] }));
    group.entries.push(entry);
  }
  return groups;
}
