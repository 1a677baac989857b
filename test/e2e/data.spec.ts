import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST, tempFolder, writeImageFolder } from '../fixtures/datasets/make';

const dataDir = process.env.MODEL_LAB_E2E_DATA!;
const screenshots = join(import.meta.dirname, '../output/screenshots');

const row = (page: Page, name: string) => page.locator(`[data-testid="dataset-row"][data-name="${name}"]`);

// One page for the whole file (loading the app dominates a test's time); the tests run in order on it.
test.describe.configure({ mode: 'serial' });
let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await page.goto('/');
});
test.afterAll(() => page.close());

async function openDataArea(page: Page): Promise<void> {
  // Through another area and back: the Data area mounts afresh and re-reads the data folder.
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await page.getByRole('button', { name: 'Data', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Data' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Datasets' })).toBeVisible();
}

test('the built-in sample installs from the list and becomes the current dataset', async () => {
  await openDataArea(page);
  await expect(page.getByTestId('dataset-list').or(page.getByTestId('datasets-empty'))).toBeVisible();
  const sample = row(page, 'fashion-mnist-sample');
  if ((await sample.count()) > 0) {
    // Another spec installed it in this run's data folder: remove it so the install below really imports.
    await sample.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await expect(sample).toHaveCount(0);
  }
  await page.getByRole('button', { name: 'Install the built-in sample' }).click();
  await expect(page.getByTestId('import-result')).toContainText('Imported fashion-mnist-sample:');
  await expect(sample).toContainText('1×28×28');
  await expect(sample).toContainText('10');
  await expect(sample).toHaveAttribute('aria-selected', 'true');
  const counts = (await sample.locator('td').nth(3).textContent())!.split('/').map((n) => Number(n.trim().replace(/,/g, '')));
  expect(counts).toEqual([1800, 200, 500]);
  await expect(page.getByTestId('dataset-manifest')).toContainText('Ankle boot');
  await expect(page.getByRole('button', { name: 'Install the built-in sample' })).toHaveCount(0);
  await expect(page.getByTestId('dataset-thumbnails')).toContainText('Ankle boot');
  await expect(page.getByTestId('dataset-health').locator('[data-finding="integrity"]')).toContainText('match the manifest');
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, 'data-sample.png') });
});

test('import a folder of images with one corrupt file; see it listed, inspect it, rename and delete it', async ({}, testInfo) => {
  const work = await tempFolder('model-lab-e2e-images-');
  try {
    const source = join(work.path, 'shapes');
    await writeImageFolder(source, ['circle', 'square'], 8, { sizes: [[24, 24]] });
    writeFileSync(join(source, 'square', 'broken.png'), 'this is not a PNG');

    await openDataArea(page);
    const form = page.getByRole('region', { name: 'Import a dataset' });

    // Bad input is caught in place, and what was typed stays.
    await form.getByLabel('Path', { exact: true }).fill(source);
    await form.getByLabel('Name', { exact: true }).fill('../shapes');
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(form.getByText(`Dataset name "../shapes" contains a path separator`)).toBeVisible();
    await expect(form.getByLabel('Path', { exact: true })).toHaveValue(source);

    // An error from the host (no such folder) is shown in place; the form keeps its values.
    await form.getByLabel('Path', { exact: true }).fill(join(work.path, 'missing'));
    await form.getByLabel('Name', { exact: true }).fill('shapes');
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('import-error')).toContainText(`Cannot import '${join(work.path, 'missing')}': there is no such file or folder.`);
    await expect(form.getByLabel('Name', { exact: true })).toHaveValue('shapes');

    // Record every progress line shown, however briefly: a small folder imports in well under a second.
    await page.evaluate(`(() => {
      window.__progress = [];
      new MutationObserver(() => {
        const line = document.querySelector('[data-testid="import-progress-message"]');
        if (line && window.__progress.at(-1) !== line.textContent) window.__progress.push(line.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await form.getByLabel('Path', { exact: true }).fill(source);
    await expect(page.getByTestId('import-choice')).toContainText('grey when every sampled image is grey, colour otherwise');
    await form.getByRole('button', { name: 'Import' }).click();

    const result = page.getByTestId('import-result');
    await expect(result).toContainText("Imported shapes:");
    await expect(result).toContainText('24×24');
    await expect(page.getByTestId('import-skipped')).toContainText('Skipped 1 unreadable file');
    await expect(page.getByTestId('import-skipped')).toContainText('square/broken.png');
    const progress = (await page.evaluate('window.__progress')) as string[];
    // Lines after "Starting…" can only come from the host's progress events for this job.
    expect(progress.some((line) => /^\d+% · (?!Starting)/.test(line)), `progress lines: ${JSON.stringify(progress)}`).toBe(true);

    // Listed, with its shape and counts, and made the current dataset.
    const shapes = row(page, 'shapes');
    await expect(shapes).toContainText('3×24×24');
    await expect(shapes).toContainText(/FOLDER · .*shapes/);
    await expect(shapes).toHaveAttribute('aria-selected', 'true');
    const listed = (await shapes.locator('td').nth(3).textContent())!.split('/').map((n) => Number(n.trim()));
    expect(listed.reduce((a, b) => a + b, 0)).toBe(16);

    // Details: manifest, class balance, health (the corrupt file reported), thumbnails that really decoded.
    const detail = page.getByTestId('dataset-detail');
    await expect(detail.getByRole('heading', { name: 'shapes' })).toBeVisible();
    await expect(page.getByTestId('dataset-manifest')).toContainText('circle, square');
    await expect(page.getByTestId('class-balance').locator('rect')).toHaveCount(6);
    const health = page.getByTestId('dataset-health');
    await expect(health.locator('[data-finding="skipped"]')).toContainText('1 unreadable file skipped on import.');
    await expect(health.locator('[data-finding="integrity"]')).toContainText('match the manifest');
    await expect(health.locator('[data-finding="leakage"]')).toBeVisible();
    const grid = page.getByTestId('dataset-thumbnails').locator('img');
    await expect(grid).toBeVisible();
    const decodedHeight = `(() => { const img = document.querySelector('[data-testid="dataset-thumbnails"] img'); return img && img.complete ? img.naturalHeight : 0; })()`;
    // Two class rows of 24 pixels and a 1-pixel gap, scaled ×2 by the host: the PNG decoded in the page.
    await expect.poll(() => page.evaluate(decodedHeight)).toBe((2 * 24 + 1) * 2);
    await expect(page.getByTestId('dataset-thumbnails')).toContainText('circle');
    mkdirSync(screenshots, { recursive: true });
    const path = join(screenshots, 'data.png');
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach('data', { path, contentType: 'image/png' });

    await page.getByRole('radio', { name: 'test' }).click();
    await expect(page.getByTestId('dataset-thumbnails').locator('img')).toHaveAttribute('alt', /Up to 8 test samples of each class/);

    // The same name again is refused in place; with Replace ticked and a size, the new version replaces it and
    // the details follow (shape, and thumbnails of the new size).
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('import-error')).toContainText("A dataset named 'shapes' already exists; choose another name or ask to replace it.");
    await form.getByLabel('Height', { exact: true }).fill('12');
    await form.getByLabel('Width', { exact: true }).fill('12');
    await expect(page.getByTestId('import-choice')).toContainText('resized to cover 12×12 and centre-cropped');
    await form.getByLabel('Replace a dataset of the same name').check();
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(result).toContainText('3×12×12');
    await expect(page.getByTestId('import-error')).toHaveCount(0);
    await expect(shapes).toContainText('3×12×12');
    await expect(page.getByTestId('dataset-manifest')).toContainText('3×12×12');
    await expect.poll(() => page.evaluate(decodedHeight)).toBe((2 * 12 + 1) * 4);

    // Rename: a bad name is refused in place, a good one renames on disk and keeps it current.
    await shapes.getByRole('button', { name: 'Rename' }).click();
    const newName = page.getByLabel('New name for shapes');
    await newName.fill('a\\b');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'New dataset name "a\\\\b" contains a path separator' })).toBeVisible();
    await newName.fill('shapes-2');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(row(page, 'shapes-2')).toHaveAttribute('aria-selected', 'true');
    await expect(row(page, 'shapes')).toHaveCount(0);
    await expect(detail.getByRole('heading', { name: 'shapes-2' })).toBeVisible();
    expect(existsSync(join(dataDir, 'datasets', 'shapes-2', 'manifest.json'))).toBe(true);

    // Delete asks first; keeping it changes nothing, confirming removes it from the list and the disk.
    await row(page, 'shapes-2').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    await expect(row(page, 'shapes-2')).toBeVisible();
    await row(page, 'shapes-2').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('alertdialog', { name: 'Confirm deleting shapes-2' })).toContainText('16 packed samples');
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await expect(row(page, 'shapes-2')).toHaveCount(0);
    await expect(page.getByTestId('dataset-detail')).toHaveCount(0);
    expect(existsSync(join(dataDir, 'datasets', 'shapes-2'))).toBe(false);
  } finally {
    await work.cleanup();
  }
});

test('a long import shows its progress and can be cancelled, leaving nothing behind', async () => {
  test.skip(!existsSync(FASHION_MNIST), `needs the real Fashion-MNIST at ${FASHION_MNIST}`);
  await openDataArea(page);
  const form = page.getByRole('region', { name: 'Import a dataset' });
  await form.getByLabel('Path', { exact: true }).fill(FASHION_MNIST);
  await expect(form.getByLabel('Name', { exact: true })).toHaveAttribute('placeholder', 'fashion-mnist');
  await form.getByLabel('Name', { exact: true }).fill('fm-cancelled');
  await form.getByRole('button', { name: 'Import' }).click();
  const message = page.getByTestId('import-progress-message');
  await expect(message).toContainText(/Writing (train|val|test): [\d,]+ of 70,000 samples/);
  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  expect(Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
  await page.getByTestId('import-progress').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('import-note')).toContainText('The import was cancelled; nothing was added.');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(row(page, 'fm-cancelled')).toHaveCount(0);
  expect(existsSync(join(dataDir, 'datasets', 'fm-cancelled'))).toBe(false);
  // The importer's temp folder is gone too.
  const tmp = join(dataDir, 'tmp');
  expect((existsSync(tmp) ? readdirSync(tmp) : []).filter((name) => name.includes('import'))).toEqual([]);
});
