// The Model area end to end: zoo templates on the canvas with shapes on every arrow and totals that match the
// published figures, live recomputation, drag-and-drop editing with undo/redo, and the visualisers.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const screenshots = join(import.meta.dirname, '../output/screenshots');
mkdirSync(screenshots, { recursive: true });

async function openModelArea(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await expect(page.getByTestId('canvas')).toBeVisible();
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
});
