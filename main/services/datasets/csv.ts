// CSV: either a label column plus pixel columns (one image per row), or a path column plus a label column.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { DatasetError } from './errors';
import { IMAGE_EXTENSIONS } from './folder';
import { numericClassNames, type ReadOptions, type SampleSet, type SourceData } from './source';

/** Splits one CSV line, honouring double quotes ("a, b" and "" inside quotes). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') fields.push(field.trim()), (field = '');
    else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

interface ParsedCsv {
  labels: string[];
  set: SampleSet;
}

const isInteger = (s: string) => /^\d+$/.test(s);
const utf8 = new TextDecoder();

function shapeFor(pixels: number, file: string): [number, number, number] {
  const grey = Math.round(Math.sqrt(pixels));
  if (grey * grey === pixels) return [1, grey, grey];
  const colour = Math.round(Math.sqrt(pixels / 3));
  if (3 * colour * colour === pixels) return [3, colour, colour];
  throw new DatasetError(
    'dataset-source',
    `'${file}' has ${pixels} pixel columns, which is neither S×S (grey) nor 3×S×S (colour, channel-planar); cannot tell the image size.`,
  );
}

/** Parses the pixel rows straight from bytes: a 60,000-row, 785-column file would be 47 M strings otherwise. */
function parsePixelRows(bytes: Uint8Array, lineStarts: number[], labelColumn: number, columns: number, file: string, firstRow: number): ParsedCsv {
  const rows = lineStarts.length - 1;
  const pixelCount = columns - 1;
  const shape = shapeFor(pixelCount, file);
  const pixels = new Uint8Array(rows * pixelCount);
  const labels: string[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    let pos = lineStarts[r]!;
    const end = lineStarts[r + 1]!;
    let column = 0;
    let out = r * pixelCount;
    while (column < columns) {
      let value = 0;
      let digits = 0;
      const start = pos;
      while (pos < end && bytes[pos] !== 44 /* , */ && bytes[pos] !== 10 && bytes[pos] !== 13) {
        const ch = bytes[pos]!;
        if (ch >= 48 && ch <= 57) (value = value * 10 + ch - 48), digits++;
        else if (ch !== 32 && ch !== 34 /* quotes around the label */) digits = -Infinity;
        pos++;
      }
      const raw = () => utf8.decode(bytes.subarray(start, pos)).trim();
      if (column === labelColumn) labels[r] = raw().replace(/^"|"$/g, '');
      else {
        if (!(digits > 0) || value > 255) {
          throw new DatasetError(
            'dataset-source',
            `'${file}' row ${firstRow + r}, column ${column + 1}: pixel value '${raw()}' is not a whole number from 0 to 255.`,
          );
        }
        pixels[out++] = value;
      }
      column++;
      if (bytes[pos] === 44) pos++;
      else if (column < columns) {
        throw new DatasetError('dataset-source', `'${file}' row ${firstRow + r} has ${column} columns; the first row has ${columns}.`);
      }
    }
    while (pos < end && (bytes[pos] === 13 || bytes[pos] === 10 || bytes[pos] === 32)) pos++;
    if (pos < end) throw new DatasetError('dataset-source', `'${file}' row ${firstRow + r} has more than ${columns} columns, the count of the first row.`);
  }
  return { labels, set: { kind: 'raw', shape, pixels, labels: new Int32Array(rows), count: rows } };
}

async function parseCsvFile(file: string): Promise<ParsedCsv> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new DatasetError('dataset-source', `Cannot read the CSV file '${file}': ${(error as Error).message}.`);
  }
  const lineStarts: number[] = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lineStarts.push(i + 1);
  if (lineStarts[lineStarts.length - 1] !== bytes.length) lineStarts.push(bytes.length);
  // Drop blank lines at the end.
  while (lineStarts.length > 1 && utf8.decode(bytes.subarray(lineStarts[lineStarts.length - 2]!, lineStarts[lineStarts.length - 1]!)).trim() === '') lineStarts.pop();
  if (lineStarts.length < 2) throw new DatasetError('dataset-source', `'${file}' is empty.`);
  const lineText = (r: number) => utf8.decode(bytes.subarray(lineStarts[r]!, lineStarts[r + 1]!)).replace(/\r?\n$/, '');
  const first = splitCsvLine(lineText(0));
  const secondRow = lineStarts.length > 2 ? splitCsvLine(lineText(1)) : first;
  const hasHeader = first.some((f, i) => !isInteger(f) && isInteger(secondRow[i] ?? '')) || first.some((f) => /^(label|class|path|file|filename|image)$/i.test(f));
  const header = hasHeader ? first.map((f) => f.toLowerCase()) : undefined;
  const dataStarts = hasHeader ? lineStarts.slice(1) : lineStarts;
  const firstRow = hasHeader ? 2 : 1;
  const sample = hasHeader ? secondRow : first;
  if (dataStarts.length < 2) throw new DatasetError('dataset-source', `'${file}' has a header but no data rows.`);

  const pathColumn = header?.findIndex((h) => /^(path|file|filename|image)$/.test(h)) ?? -1;
  const imageColumn = pathColumn >= 0 ? pathColumn : sample.length === 2 ? sample.findIndex((f) => IMAGE_EXTENSIONS.test(f)) : -1;
  if (imageColumn >= 0) {
    const labelColumn = header?.findIndex((h) => /^(label|class)$/.test(h)) ?? -1;
    const labelAt = labelColumn >= 0 ? labelColumn : imageColumn === 0 ? 1 : 0;
    const base = dirname(file);
    const paths: string[] = [];
    const labels: string[] = [];
    for (let r = 0; r < dataStarts.length - 1; r++) {
      const fields = splitCsvLine(utf8.decode(bytes.subarray(dataStarts[r]!, dataStarts[r + 1]!)).replace(/\r?\n$/, ''));
      const path = fields[imageColumn];
      const label = fields[labelAt];
      if (!path || label === undefined || label === '') {
        throw new DatasetError('dataset-source', `'${file}' row ${firstRow + r} lacks a ${!path ? 'path' : 'label'}: '${fields.join(',')}'.`);
      }
      paths.push(isAbsolute(path) ? path : resolve(base, path));
      labels.push(label);
    }
    return { labels, set: { kind: 'files', paths, labels: new Int32Array(paths.length), count: paths.length } };
  }
  const labelColumn = header ? Math.max(0, header.findIndex((h) => /^(label|class)$/.test(h))) : 0;
  return parsePixelRows(bytes, dataStarts, labelColumn, sample.length, basename(file), firstRow);
}

/** Turns label strings into class indices: integer labels keep their value, other labels are sorted names. */
function assignClasses(parts: ParsedCsv[], classNames: string[] | undefined, source: string): string[] {
  const all = parts.flatMap((p) => p.labels);
  if (all.every(isInteger)) {
    const max = all.reduce((m, l) => Math.max(m, Number(l)), 0);
    if (max > 65535) throw new DatasetError('dataset-source', `'${source}' has label ${max}; labels must be at most 65535.`);
    for (const part of parts) part.set.labels = Int32Array.from(part.labels, Number);
    return numericClassNames(max + 1, classNames, `'${source}'`);
  }
  const classes = [...new Set(all)].sort(new Intl.Collator('en', { numeric: true }).compare);
  const index = new Map(classes.map((c, i) => [c, i]));
  for (const part of parts) part.set.labels = Int32Array.from(part.labels, (l) => index.get(l)!);
  return classes;
}

export async function readCsv(path: string, options: ReadOptions = {}): Promise<SourceData> {
  let trainFile = path;
  let testFile: string | undefined;
  if ((await stat(path)).isDirectory()) {
    trainFile = join(path, 'train.csv');
    const candidate = join(path, 'test.csv');
    testFile = await stat(candidate).then(() => candidate, () => undefined);
    await stat(trainFile).catch(() => {
      throw new DatasetError('dataset-source', `'${path}' is a folder without train.csv; give a CSV file or a folder holding train.csv (and optionally test.csv).`);
    });
  }
  const train = await parseCsvFile(trainFile);
  const test = testFile ? await parseCsvFile(testFile) : undefined;
  if (test && (test.set.kind !== train.set.kind || (test.set.kind === 'raw' && train.set.kind === 'raw' && test.set.shape.join() !== train.set.shape.join()))) {
    throw new DatasetError('dataset-source', `'${testFile}' does not have the same columns as '${trainFile}'.`);
  }
  const classes = assignClasses(test ? [train, test] : [train], options.classNames, path);
  return { format: 'csv', classes, train: train.set, test: test?.set, skipped: [] };
}
