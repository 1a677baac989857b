// End-to-end tests: browser mode (the web host) driven in Debian's Chromium with WebGPU switched on.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const port = Number(process.env.MODEL_LAB_E2E_PORT ?? 5198);
// A fresh data folder per run, shared with the tests (workers inherit the environment).
process.env.MODEL_LAB_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'model-lab-e2e-'));

/** Flags for Chromium here: WebGPU on, and no background network traffic (the machine has no network). */
export const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: join(root, 'test/output/e2e-results'),
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  webServer: {
    command: `node ${join(root, 'node_modules/electron-vite/bin/electron-vite.js')} build && node ${join(root, 'node_modules/tsx/dist/cli.mjs')} main/web/serve.ts`,
    cwd: root,
    url: `http://127.0.0.1:${port}/`,
    env: { MODEL_LAB_PORT: String(port), MODEL_LAB_DATA: process.env.MODEL_LAB_E2E_DATA },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
