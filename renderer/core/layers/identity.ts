// Identity: passes its input through (a named junction, or a placeholder while editing).
import { noAttrs, pointwiseRules, type LayerDefinition } from './layer';

export type IdentityAttrs = Record<string, never>;

export const identity: LayerDefinition<'Identity', IdentityAttrs> = {
  kind: 'Identity',
  palette: { category: 'reshape', description: 'Passes its input through unchanged.', defaultAttrs: {} },
  normalise: noAttrs,
  // Count-every-layer rule: computes nothing.
  ...pointwiseRules<IdentityAttrs>(0),
  lower: (_ctx, site) => site.values[0]!,
};
