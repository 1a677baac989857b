// The Model area end to end: zoo templates on the canvas with shapes on every arrow and totals that match the
// published figures, live recomputation, drag-and-drop editing with undo/redo, and the visualisers.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const screenshots = join(import.meta.dirname, '../output/screenshots');
mkdirSync(screenshots, { recursive: true });

async function openModelArea(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await expect(page.getByTestId('canvas')).toBeVisible();
}

/**
 * Pans the canvas the way a person does, by dragging the empty pane, until the box lies inside it. Playwright's own
 * scrolling cannot be used: Svelte Flow undoes any scroll of its wrapper, so a click aimed after such a scroll can land
 * beside the box.
 */
async function panIntoView(page: Page, box: Locator) {
  const pane = (await page.getByTestId('canvas').boundingBox())!;
  for (let attempt = 0; attempt < 12; attempt++) {
    const at = (await box.boundingBox())!;
    const margin = 40;
    const inside = at.y >= pane.y + margin && at.y + at.height <= pane.y + pane.height - margin && at.x >= pane.x + margin && at.x + at.width <= pane.x + pane.width - margin;
    if (inside) return;
    const limit = pane.height - 160;
    const dy = Math.max(-limit, Math.min(limit, pane.y + pane.height / 2 - (at.y + at.height / 2)));
    const dx = Math.max(-limit, Math.min(limit, pane.x + pane.width / 2 - (at.x + at.width / 2)));
    // Start beside the column of boxes, clear of the zoom controls (bottom left) and the minimap (bottom right).
    const start = { x: pane.x + 90 + Math.max(0, -dx), y: dy < 0 ? pane.y + pane.height - 60 : pane.y + 60 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + dx, start.y + dy, { steps: 8 });
    await page.mouse.up();
  }
  throw new Error('the box could not be panned into view');
}

function edgeLabels(page: Page) {
  return page.locator('.svelte-flow__edge-label');
}

test('a zoo model opens with shapes on its arrows and the published parameter total', async ({ page }) => {
  await openModelArea(page);
  await page.getByLabel('Template').selectOption('alexnet-d2l');
  await expect(page.getByTestId('total-params')).toHaveText('46,764,746');
  await expect(edgeLabels(page).filter({ hasText: /^1×224×224$/ })).toHaveCount(1);
  await expect(edgeLabels(page).filter({ hasText: /^256×5×5$/ })).toHaveCount(1);
  await expect(edgeLabels(page).filter({ hasText: /^6400$/ })).toHaveCount(1);
  await expect(page.locator('.svelte-flow__minimap')).toBeVisible();
  // The layout ran in elkjs's Web Worker under the app's CSP (worker-src 'self'), not on the main thread.
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-layout-where', 'worker');
  await page.screenshot({ path: join(screenshots, 'model-alexnet-d2l.png') });

  await page.getByLabel('Template').selectOption('alexnet');
  await expect(page.getByTestId('total-params')).toHaveText('61,100,840');
  await expect(edgeLabels(page).filter({ hasText: /^3×224×224$/ })).toHaveCount(1);
});

test('changing the input size recomputes shapes and totals live, and undo restores them', async ({ page }) => {
  await openModelArea(page);
  await page.getByLabel('Template').selectOption('alexnet-d2l');
  await expect(page.getByTestId('total-params')).toHaveText('46,764,746');
  const input = page.getByLabel('Input size');
  await input.fill('1×112×112');
  await input.press('Enter');
  // 112 → conv 11/4 pad 1: 26 → pool: 12 → pool: 5 → pool: 2, so the first Dense sees 256×2×2 = 1024 features:
  // 46,764,746 − 6400·4096 + 1024·4096.
  await expect(page.getByTestId('total-params')).toHaveText('24,744,650');
  await expect(edgeLabels(page).filter({ hasText: /^256×2×2$/ })).toHaveCount(1);
  await page.getByLabel('Classes').fill('100');
  await page.getByLabel('Classes').press('Enter');
  await expect(page.getByTestId('total-params')).toHaveText(String(24_744_650 + 90 * 4097).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  await page.getByRole('button', { name: /Undo/ }).click();
  await page.getByRole('button', { name: /Undo/ }).click();
  await expect(page.getByTestId('total-params')).toHaveText('46,764,746');
  await expect(page.getByLabel('Input size')).toHaveValue('1×224×224');
});

test('blocks collapse to one node and expand to their layers; issues badge the node they name', async ({ page }) => {
  await openModelArea(page);
  await page.getByLabel('Template').selectOption('resnet18');
  await expect(page.getByTestId('total-params')).toHaveText('11,699,112');
  const blocks = page.locator('.svelte-flow__node-block');
  await expect(blocks.first()).toBeVisible();
  const count = await blocks.count();
  expect(count).toBeGreaterThan(0);
  const first = blocks.first();
  const name = await first.getAttribute('data-id');
  await first.getByRole('button', { name: /^Expand/ }).click();
  await expect(page.locator(`.svelte-flow__node-group[data-id="${name}"]`)).toBeVisible();
  await expect(page.locator(`.svelte-flow__node[data-id^="${name}."]`).first()).toBeVisible();
  await page.screenshot({ path: join(screenshots, 'model-resnet18-expanded.png') });
  await page.locator(`.svelte-flow__node-group[data-id="${name}"]`).getByRole('button', { name: /^Collapse/ }).click();
  await expect(page.locator('.svelte-flow__node-block')).toHaveCount(count);

  // A Dense layer fed an image: the core's issue badges that node, with the message on hover and in the list.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const canvas = page.getByTestId('canvas');
  await page.getByTestId('palette-Input').dragTo(canvas, { targetPosition: { x: 300, y: 80 } });
  await page.getByTestId('palette-Dense').dragTo(canvas, { targetPosition: { x: 300, y: 240 } });
  const badge = page.locator('.svelte-flow__node[data-id="fc1"]').getByTestId('issue-badge');
  await expect(badge).toHaveAttribute('title', /Dense 'fc1' is fed .*insert a Flatten/);
  await expect(page.locator('.svelte-flow__node[data-id="input1"]').getByTestId('issue-badge')).toHaveCount(0);
  await expect(page.getByTestId('issues-panel')).toContainText("Dense 'fc1' is fed");
  await page.screenshot({ path: join(screenshots, 'model-issue-badge.png') });
});

/** The layers of d2l's AlexNet (d2l.ai §8.1) and the inspector fields to set on each after dropping it. */
const D2L_ALEXNET: [string, Record<string, string>][] = [
  ['Input', { Channels: '1' }],
  ['Conv2d', { 'Output channels': '96', Kernel: '11', Stride: '4', Padding: '1' }],
  ['ReLU', {}],
  ['MaxPool2d', { Kernel: '3', Stride: '2' }],
  ['Conv2d', { 'Output channels': '256', Kernel: '5', Padding: '2' }],
  ['ReLU', {}],
  ['MaxPool2d', { Kernel: '3', Stride: '2' }],
  ['Conv2d', { 'Output channels': '384' }],
  ['ReLU', {}],
  ['Conv2d', { 'Output channels': '384' }],
  ['ReLU', {}],
  ['Conv2d', { 'Output channels': '256' }],
  ['ReLU', {}],
  ['MaxPool2d', { Kernel: '3', Stride: '2' }],
  ['Flatten', {}],
  ['Dense', { 'Output features': '4096' }],
  ['ReLU', {}],
  ['Dropout', {}],
  ['Dense', { 'Output features': '4096' }],
  ['ReLU', {}],
  ['Dropout', {}],
];

test("d2l's AlexNet built from the palette by drag and drop: shapes, the total, undo and redo", async ({ page }) => {
  await openModelArea(page);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByTestId('total-params')).toHaveText('0');
  const canvas = page.getByTestId('canvas');
  const inspector = page.getByTestId('inspector');
  const box = (await canvas.boundingBox())!;
  let index = 0;
  for (const [kind, fields] of D2L_ALEXNET) {
    // Drop in a column down the left of the canvas, wrapping; with the last node selected, each drop connects after it.
    const targetPosition = { x: 120 + Math.floor(index / 8) * 230, y: 40 + (index % 8) * 75 };
    await page.getByTestId(`palette-${kind}`).dragTo(canvas, { targetPosition });
    await expect(inspector.locator('.title strong')).toHaveText(kind);
    for (const [label, value] of Object.entries(fields)) {
      const field = inspector.getByLabel(label, { exact: true });
      await field.fill(value);
      await field.press('Enter');
    }
    index++;
  }
  // The classifier: dropped with nothing selected, then wired by dragging from the last Dropout's port to its port.
  await page.keyboard.press('Escape');
  await page.getByTestId('palette-Dense').dragTo(canvas, { targetPosition: { x: box.width - 260, y: box.height - 160 } });
  await expect(page.getByTestId('issue-count')).toBeVisible();
  const source = page.locator('.svelte-flow__node[data-id="dropout2"] .svelte-flow__handle.source');
  const target = page.locator('.svelte-flow__node[data-id="fc3"] .svelte-flow__handle.target');
  await source.dragTo(target);

  await expect(page.getByTestId('total-params')).toHaveText('46,764,746');
  await expect(page.getByTestId('issue-count')).toHaveCount(0);
  await page.getByRole('button', { name: 'Auto layout' }).click();
  for (const shape of ['1×224×224', '96×54×54', '96×26×26', '256×26×26', '256×12×12', '384×12×12', '256×5×5', '6400', '4096']) {
    await expect(edgeLabels(page).filter({ hasText: new RegExp(`^${shape}$`) }).first()).toBeVisible();
  }
  await page.screenshot({ path: join(screenshots, 'model-editor-d2l-alexnet-built.png') });

  // Undo the automatic layout and the connection: the classifier is cut off again; redo restores both.
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('total-params')).toHaveText('46,723,776');
  await expect(page.getByTestId('issue-count')).toBeVisible();
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('total-params')).toHaveText('46,764,746');
});

test('the visualisers: parameter and MAC treemaps and bars, receptive-field growth, the memory budget', async ({ page }) => {
  await openModelArea(page);
  await page.getByLabel('Template').selectOption('alexnet');
  await expect(page.getByTestId('total-params')).toHaveText('61,100,840');

  await page.getByRole('tab', { name: 'Parameters & compute' }).click();
  // The first dense layer: 9216·4096 + 4096 = 37,752,832 of 61,100,840 parameters (61.8 %) leads the bars.
  const firstBar = page.getByTestId('layer-bars').locator('.bar-row').first();
  await expect(firstBar).toContainText('37.8 M');
  await expect(firstBar).toContainText('61.8 %');
  await expect(page.getByTestId('family-shares')).toContainText('Dense 96.0 %');
  await expect(page.getByTestId('treemap').locator('rect')).toHaveCount(8);
  await page.screenshot({ path: join(screenshots, 'model-params-treemap.png') });
  await page.getByRole('radio', { name: 'MACs' }).click();
  await expect(page.getByTestId('family-shares')).toContainText('Convolution');
  await page.screenshot({ path: join(screenshots, 'model-macs-treemap.png') });

  await page.getByRole('tab', { name: 'Receptive field' }).click();
  await expect(page.getByTestId('receptive-view')).toContainText('sees 195');
  await page.screenshot({ path: join(screenshots, 'model-receptive-field.png') });
  // conv1 (11×11, stride 4, padding 2): unit (0, 0) sees rows and columns −2…8, partly padding.
  await page.getByLabel('Layer', { exact: true }).selectOption('conv1');
  await page.getByLabel('Unit row').fill('0');
  await page.getByLabel('Unit column').fill('0');
  await expect(page.getByTestId('unit-field')).toContainText('rows -2…8 and columns -2…8; the shaded part is padding');
  await page.getByTestId('unit-field').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'model-receptive-field-unit.png') });

  await page.getByRole('tab', { name: 'Memory' }).click();
  await page.getByLabel('GPU memory').selectOption('8');
  await expect(page.getByTestId('largest-batch')).toContainText(/Largest training batch: \d/);
  const before = await page.getByTestId('training-memory').textContent();
  await page.getByLabel('Batch').fill('64');
  await page.getByLabel('Batch').press('Enter');
  await expect(page.getByTestId('training-memory')).not.toHaveText(before!);
  await page.screenshot({ path: join(screenshots, 'model-memory-budget.png') });

  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByLabel('Channels').fill('64');
  const sides = page.getByTestId('compare-params');
  await expect(sides.nth(0)).toHaveText('200,704');
  await expect(sides.nth(1)).toHaveText('110,592');
  await page.screenshot({ path: join(screenshots, 'model-compare-7x7-vs-3x3.png') });
  await page.getByLabel('Comparison').selectOption('bottleneck');
  await expect(sides.nth(0)).toHaveText('819,200');
  await expect(page.getByTestId('compare-view')).toContainText('204,800');
});

test("a unit's receptive field drawn over a real dataset sample, with the padding outside it shaded", async ({ page }) => {
  await openModelArea(page);
  await page.getByLabel('Template').selectOption('lenet5');
  await page.getByRole('tab', { name: 'Receptive field' }).click();
  const picker = page.getByLabel('Image', { exact: true });
  const reason = page.getByTestId('image-reason');
  // The E2E data folder is shared by the specs: it may already hold a dataset. Without one, the view says why it
  // draws on the grid and offers the built-in sample.
  await expect(async () => expect((await reason.isVisible()) || (await picker.locator('option').count()) > 1).toBe(true)).toPass();
  if (await reason.isVisible()) {
    await expect(reason).toContainText('no dataset yet, so the field is drawn on a grid');
    await reason.getByRole('button', { name: 'Install the sample' }).click();
    await expect(picker).toHaveValue('fashion-mnist-sample');
  } else {
    await picker.selectOption({ index: 1 });
  }
  const dataset = await picker.inputValue();
  await page.getByLabel('Sample', { exact: true }).fill('7');
  await page.getByLabel('Sample', { exact: true }).press('Enter');
  await expect(page.getByTestId('image-note')).toContainText(`Sample 7 of ${dataset}'s train split`);
  // conv1 (5×5, padding 2): unit (0, 0) sees rows and columns −2…2, the outer two of them padding.
  await page.getByLabel('Layer', { exact: true }).selectOption('conv1');
  await page.getByLabel('Unit row').fill('0');
  await page.getByLabel('Unit column').fill('0');
  await expect(page.getByTestId('unit-field')).toContainText('rows -2…2 and columns -2…2; the shaded part is padding');

  // The sample is a real image: a PNG whose pixels vary, drawn over the whole 28×28 input.
  const sample = page.getByTestId('rf-sample');
  await expect(sample).toHaveAttribute('href', /^blob:/);
  const pixels = await page.evaluate(`(async () => {
    const image = document.querySelector('[data-testid="rf-sample"]');
    const bitmap = await createImageBitmap(await (await fetch(image.getAttribute('href'))).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let min = 255, max = 0;
    for (let i = 0; i < data.length; i += 4) { min = Math.min(min, data[i]); max = Math.max(max, data[i]); }
    const box = image.getBBox();
    return { width: bitmap.width, height: bitmap.height, min, max, drawn: [box.width, box.height] };
  })()`);
  expect(pixels).toMatchObject({ width: 28, height: 28 });
  const { min, max, drawn } = pixels as { min: number; max: number; drawn: number[] };
  expect(max - min).toBeGreaterThan(100);
  expect(drawn[0]).toBeCloseTo(drawn[1]!, 5);
  const first = await sample.getAttribute('href');
  await page.getByTestId('unit-field').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'model-receptive-field-dataset.png') });

  await page.getByLabel('Sample', { exact: true }).fill('8');
  await page.getByLabel('Sample', { exact: true }).press('Enter');
  await expect(page.getByTestId('image-note')).toContainText('Sample 8 of');
  await expect(sample).not.toHaveAttribute('href', first!);
  await picker.selectOption('grid');
  await expect(sample).toHaveCount(0);
  await expect(page.getByTestId('image-note')).toHaveCount(0);
});

test('projects: autosaved to IndexedDB on the first edit, listed, duplicated, renamed, deleted, downloaded and opened again', async ({ page }) => {
  await openModelArea(page);
  await page.getByLabel('Template').selectOption('lenet5');
  await page.getByLabel('Classes').fill('20');
  await page.getByLabel('Classes').press('Enter');
  const total = await page.getByTestId('total-params').textContent();
  const menu = page.getByTestId('projects');
  await menu.locator('summary').click();
  await expect(page.getByTestId('project-status')).toContainText('Saved');
  const rows = page.getByTestId('project-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('(edited)');
  await rows.first().getByRole('button', { name: 'Duplicate' }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: '(edited) (copy)' })).toHaveCount(1);
  await rows.filter({ hasText: '(copy)' }).getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('Project name').fill('LeNet for 20 classes');
  await page.getByLabel('Project name').press('Enter');
  await expect(rows.filter({ hasText: 'LeNet for 20 classes' })).toHaveCount(1);
  await rows.filter({ hasText: '(edited)' }).getByRole('button', { name: 'Delete' }).click();
  await expect(rows).toHaveCount(1);
  await page.screenshot({ path: join(screenshots, 'model-projects.png') });

  // Still there after a reload; opening it restores the graph.
  await page.reload();
  await page.getByLabel('Template').selectOption('alexnet');
  await page.getByTestId('projects').locator('summary').click();
  await page.getByTestId('project-row').getByRole('button', { name: 'LeNet for 20 classes' }).click();
  await expect(page.getByTestId('total-params')).toHaveText(total!);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .json' }).click()]);
  expect(download.suggestedFilename()).toBe('LeNet for 20 classes.json');
  const saved = await download.path();
  await page.getByLabel('Template').selectOption('alexnet');
  await expect(page.getByTestId('total-params')).toHaveText('61,100,840');
  await page.getByTestId('project-file').setInputFiles(saved);
  await expect(page.getByTestId('total-params')).toHaveText(total!);
  await expect(page.getByTestId('project-row')).toHaveCount(2);
});

test('keyboard: delete, undo, copy and paste, select all', async ({ page }) => {
  await openModelArea(page);
  await page.getByLabel('Template').selectOption('alexnet-d2l');
  await expect(page.getByTestId('total-params')).toHaveText('46,764,746');
  const nodes = page.locator('.svelte-flow__node');
  await expect(nodes).toHaveCount(22);
  // Deleting the classifier removes its 4096·10 + 10 parameters; undo brings it back.
  const id = await nodes.last().getAttribute('data-id');
  // Tall graphs open at a readable zoom showing their top; the classifier is further down.
  const last = page.locator(`.svelte-flow__node[data-id="${id}"]`);
  await panIntoView(page, last);
  await last.click();
  await expect(page.getByTestId('inspector').getByLabel('Name')).toHaveValue(id!);
  await page.keyboard.press('Delete');
  await expect(nodes).toHaveCount(21);
  await expect(page.getByTestId('total-params')).toHaveText('46,723,776');
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(22);
  await expect(page.getByTestId('total-params')).toHaveText('46,764,746');
  // Copy and paste it: an unconnected copy named after it (its issue says it has no input).
  await panIntoView(page, last);
  await last.click();
  await expect(page.getByTestId('inspector').getByLabel('Name')).toHaveValue(id!);
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(page.locator(`.svelte-flow__node[data-id="${id}_copy"]`)).toBeVisible();
  await expect(page.getByTestId('issues-panel')).toContainText(`${id}_copy`);
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('inspector')).toContainText('23 nodes selected');
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(22);
});
