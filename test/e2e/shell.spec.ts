import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = process.env.MODEL_LAB_E2E_DATA!;
const screenshots = join(import.meta.dirname, '../output/screenshots');

test('the shell: every area, app info from the main-process service, a WebGPU adapter', async ({ page }, testInfo) => {
  // Two finished checkpoints and one unfinished one (no marker): the service must count 2.
  for (const [id, finished] of [['run-a', true], ['run-b', true], ['run-c', false]] as const) {
    mkdirSync(join(dataDir, 'checkpoints', id), { recursive: true });
    if (finished) writeFileSync(join(dataDir, 'checkpoints', id, 'checkpoint.json'), '{}');
  }

  await page.goto('/');
  await expect(page.getByRole('navigation', { name: 'Areas' })).toBeVisible();

  for (const area of ['Model', 'Data', 'Train', 'Test', 'Export']) {
    await page.getByRole('button', { name: area, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
    await expect(page.getByRole('button', { name: area, exact: true })).toHaveAttribute('aria-current', 'page');
  }

  const info = page.getByTestId('app-info');
  await expect(info).toContainText(dataDir);
  await expect(info).toContainText('2 checkpoints');
  await expect(info).toContainText('(web)');

  // Chromium here has WebGPU on SwiftShader: an adapter is reported, and because it is software, wasm is chosen.
  await expect(page.getByTestId('adapter')).toContainText(/WebGPU adapter: \S+/);
  await expect(page.getByTestId('backend')).toContainText(/Compute: (wasm|WebGPU)/);
  await expect(page.getByTestId('backend-reason')).not.toBeEmpty();

  await page.getByRole('button', { name: 'Model', exact: true }).click();
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, 'shell.png');
  await page.screenshot({ path });
  await testInfo.attach('shell', { path, contentType: 'image/png' });
});

test('the web host refuses calls from foreign origins and unknown calls', async ({ request, baseURL }) => {
  const foreign = await request.post(`${baseURL}api/call/appInfo`, {
    headers: { origin: 'http://evil.example', 'content-type': 'application/x-model-lab' },
    data: Buffer.from([2, 0, 0, 0, 0x5b, 0x5d]),
  });
  expect(foreign.status()).toBe(403);
  const unknown = await request.post(`${baseURL}api/call/deleteEverything`, {
    headers: { 'content-type': 'application/x-model-lab' },
    data: Buffer.from([2, 0, 0, 0, 0x5b, 0x5d]),
  });
  expect(unknown.status()).toBe(200);
  const body = new Uint8Array(await unknown.body());
  expect(new TextDecoder().decode(body.subarray(4))).toContain("'deleteEverything' is not a call of the IPC contract");
});
