// One numeric check per gradient rule: float64 finite differences on the reference interpreter.
import { describe, it } from 'vitest';
import { gradientCases } from './cases';
import { expectGradientsMatch } from './gradcheck';

for (const group of [...new Set(gradientCases.map((c) => c.group))]) {
  describe(`gradient rules: ${group}`, () => {
    for (const c of gradientCases.filter((x) => x.group === group)) it(c.name, () => expectGradientsMatch(c.make()));
  });
}
