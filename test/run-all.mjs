#!/usr/bin/env node
// `npm test`: typecheck, unit tests (vitest in Node), end-to-end tests (Playwright in Chromium). Runs every stage
// even when one fails, then prints one closing line with the totals: "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const output = join(root, 'test/output');
mkdirSync(output, { recursive: true });
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

const totals = { passed: 0, failed: 0, skipped: 0 };
const stages = [];

function run(name, args, env = {}) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  stages.push({ name, ok: result.status === 0, seconds });
  return result.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const only = process.argv[2]; // optional: 'unit' or 'e2e' or 'typecheck'

if (!only || only === 'typecheck') {
  const tscOk = run('typecheck: tsc', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  const svelteOk = run('typecheck: svelte-check', [bin('svelte-check', 'bin/svelte-check'), '--tsconfig', './tsconfig.web.json', '--fail-on-warnings', '--output', 'human']);
  for (const ok of [tscOk, svelteOk]) ok ? totals.passed++ : totals.failed++;
}

if (!only || only === 'unit') {
  const report = join(output, 'vitest.json');
  rmSync(report, { force: true });
  const ok = run('unit tests: vitest', [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const json = readJson(report);
  if (json) {
    totals.passed += json.numPassedTests;
    totals.failed += json.numFailedTests;
    totals.skipped += json.numPendingTests + json.numTodoTests;
    if (!ok && json.numFailedTests === 0) totals.failed++; // e.g. a suite that failed to load
  } else if (!ok) totals.failed++;
}

if (!only || only === 'e2e') {
  const report = join(output, 'playwright.json');
  rmSync(report, { force: true });
  const ok = run('end-to-end tests: playwright', [bin('@playwright/test', 'cli.js'), 'test', '-c', 'test/e2e/playwright.config.ts', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  });
  const json = readJson(report);
  if (json?.stats) {
    totals.passed += json.stats.expected;
    totals.failed += json.stats.unexpected + json.stats.flaky;
    totals.skipped += json.stats.skipped;
    if (!ok && json.stats.unexpected === 0) totals.failed++;
  } else if (!ok) totals.failed++;
}

process.stdout.write('\n=== summary ===\n');
for (const stage of stages) process.stdout.write(`${stage.ok ? 'ok    ' : 'FAILED'} ${stage.name} (${stage.seconds} s)\n`);
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed === 0 && stages.every((s) => s.ok) ? 0 : 1);
