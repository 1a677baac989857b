import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const screenshots = join(import.meta.dirname, '../output/screenshots');

test("the compute check runs LeNet-5's training step and inference on WebGPU (no CPU fallback) and wasm, and they agree", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('button', { name: 'Run compute check' }).click();
  const result = page.getByTestId('compute-check-result');
  await expect(result).toBeVisible({ timeout: 200_000 });

  const webgpu = result.locator('tr[data-ep="webgpu"]');
  const wasm = result.locator('tr[data-ep="wasm"]');
  await expect(webgpu).toContainText('every node on WebGPU');
  await expect(wasm).toContainText('ran');
  await expect(page.getByTestId('compute-check-agreement')).toContainText('they agree');
  const loss = Number(await wasm.locator('td').nth(4).innerText());
  expect(loss).toBeGreaterThan(1); // ≈ ln 10 for a fresh 10-class model
  expect(loss).toBeLessThan(4);
  expect(errors).toEqual([]);

  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, 'compute-check.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('compute-check', { path, contentType: 'image/png' });
});
