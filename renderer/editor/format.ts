// How the editor writes numbers, shapes and sizes for people: exact counts with thousands separators where a
// figure is checked against a published one, compact counts (61.1 M) where space is short.

/** 46,764,746 — exact, with thousands separators (locale independent, so tests and screenshots agree). */
export function formatCount(value: number): string {
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 61.1 M, 1.43 G, 4.1 k — three significant figures. */
export function formatCompact(value: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const magnitude = Math.abs(value);
  for (const [scale, unit] of units) {
    if (magnitude >= scale * 0.9995) return `${threeFigures(value / scale)} ${unit}`;
  }
  return String(Math.round(value));
}

/** Three significant figures without exponent notation or trailing zeros: 37.8, 1.01, 999, 1010. */
function threeFigures(value: number): string {
  const magnitude = Math.abs(value);
  const text = magnitude >= 99.95 ? String(Math.round(value)) : magnitude >= 9.995 ? value.toFixed(1) : value.toFixed(2);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** 1.5 GiB, 230 MiB — binary units, as GPU memory is sold and reported. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${threeFigures(value)} ${units[unit]}`;
}

/** 64×56×56 (no batch dimension), or '?' when unknown. */
export function formatShape(shape: readonly number[] | null | undefined): string {
  if (!shape) return '?';
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/** A percentage with one decimal: 61.7 %. */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return '0 %';
  return `${(Math.round((1000 * part) / whole) / 10).toFixed(1)} %`;
}
