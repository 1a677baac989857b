// Benchmark of the Model area at issue 7's scale targets: densenet121 opens and lays out in under 1.5 s, "Expand
// all" on it (435 boxes) lands well under 1.5 s, and the canvas pans at 30 frames per second or more, in Chromium
// on this machine. A script, not a test:
//
//   npx tsx test/bench/editor.bench.ts [--url http://127.0.0.1:5178/] [--runs 3] [--build]
//
// Without --url it serves browser mode itself (building the renderer first when out/renderer is missing, or with
// --build). Times are measured inside the page: from choosing the template (or clicking the button) to the first
// painted frame after the layout landed; panning is a pointer drag across the pane while requestAnimationFrame
// timestamps are recorded. Each run loads the page afresh, so "expand all" is timed once with every frame laid out
// (new ELK workers, empty frame cache) and once again after "collapse all" (frame layouts remembered). The load
// average is printed: the machine is shared, and figures taken under load are not comparable.
import { chromium, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumArgs } from '../e2e/playwright.config';

const root = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const runs = Number(option('--runs') ?? 3);
const screenshots = join(root, 'test/output/screenshots');

async function startHost(): Promise<{ url: string; child: ChildProcess }> {
  if (args.includes('--build') || !existsSync(join(root, 'out/renderer/index.html'))) {
    process.stdout.write('building the renderer…\n');
    const built = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
    if (built.status !== 0) throw new Error('electron-vite build failed; run `npm run build` to see why.');
  }
  const port = 5188;
  const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'main/web/serve.ts'], {
    cwd: root,
    env: { ...process.env, MODEL_LAB_PORT: String(port), MODEL_LAB_DATA: mkdtempSync(join(tmpdir(), 'model-lab-bench-')) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(url)).ok) return { url, child };
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  child.kill();
  throw new Error(`The web host did not answer at ${url}.`);
}

/** Runs `act` in the page and returns the ms until the first frame painted after the next layout landed. */
async function timeToLayout(page: Page, act: 'template' | 'expand-all' | 'collapse-all', template = ''): Promise<number> {
  return page.evaluate(
    async ({ act, template }) => {
      const canvas = () => document.querySelector<HTMLElement>('[data-testid="canvas"]')!;
      const before = Number(canvas().dataset.layoutVersion);
      const start = performance.now();
      if (act === 'template') {
        const select = document.querySelector<HTMLSelectElement>('select[aria-label="Template"]')!;
        select.value = template;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      } else {
        const title = act === 'expand-all' ? 'Expand all' : 'Collapse all';
        [...document.querySelectorAll('button')].find((button) => button.textContent?.trim() === title)!.click();
      }
      await new Promise<void>((done, fail) => {
        const check = () => {
          if (Number(canvas().dataset.layoutVersion) > before && document.querySelector('.svelte-flow__node')) done();
          else if (performance.now() - start > 60_000) fail(new Error(`${act}: no new layout was drawn within 60 s (layout version still ${canvas().dataset.layoutVersion}).`));
          else requestAnimationFrame(check);
        };
        check();
      });
      // Two frames: the one that applies the positions and the one that paints them.
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      return performance.now() - start;
    },
    { act, template },
  );
}

/** Drags the pane for about two seconds and returns frames per second and the longest frame. */
async function pan(page: Page): Promise<{ fps: number; worstMs: number; moved: boolean }> {
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const viewport = page.locator('.svelte-flow__viewport');
  const before = await viewport.getAttribute('style');
  await page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; recording: boolean };
    w.frames_ = [];
    w.recording = true;
    const loop = (time: number) => {
      w.frames_.push(time);
      if (w.recording) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  const x = canvas.x + 40;
  const y = canvas.y + canvas.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  const started = Date.now();
  for (let step = 0; Date.now() - started < 2000; step++) {
    await page.mouse.move(x + 200 * Math.sin(step / 10), y - 300 * Math.sin(step / 25), { steps: 1 });
  }
  await page.mouse.up();
  const after = await viewport.getAttribute('style');
  const frames = await page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; recording: boolean };
    w.recording = false;
    return w.frames_;
  });
  const intervals = frames.slice(1).map((time, index) => time - frames[index]!);
  const seconds = (frames.at(-1)! - frames[0]!) / 1000;
  return { fps: (frames.length - 1) / seconds, worstMs: Math.max(...intervals), moved: before !== after };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const given = option('--url');
  const host = given ? null : await startHost();
  const url = given ?? host!.url;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx keeps function names with an `__name` helper that the page does not have.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    const load = loadavg()[0]!;

    const open: number[] = [];
    const expand: number[] = [];
    const expandLayout: number[] = [];
    const again: number[] = [];
    const againLayout: number[] = [];
    for (let run = 0; run < runs; run++) {
      await page.goto(url);
      await page.getByRole('button', { name: 'Model', exact: true }).click();
      await page.getByTestId('canvas').waitFor();
      await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="canvas"]')?.dataset.layoutVersion) > 0);
      await timeToLayout(page, 'template', 'lenet5');
      open.push(await timeToLayout(page, 'template', 'densenet121'));
      expand.push(await timeToLayout(page, 'expand-all'));
      expandLayout.push(Number(await page.getByTestId('canvas').getAttribute('data-layout-ms')));
      await timeToLayout(page, 'collapse-all');
      again.push(await timeToLayout(page, 'expand-all'));
      againLayout.push(Number(await page.getByTestId('canvas').getAttribute('data-layout-ms')));
    }
    const layers = await page.getByTestId('canvas').getAttribute('data-nodes');
    const where = await page.getByTestId('canvas').getAttribute('data-layout-where');
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'bench-densenet121-expanded.png') });
    const expandedPan = await pan(page);
    // Panning comes last on a page: in this script a layout asked for after its two-second drag did not land (not
    // seen when the same steps are done by hand), so the collapsed view is panned on a freshly loaded page.
    await page.goto(url);
    await page.getByRole('button', { name: 'Model', exact: true }).click();
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="canvas"]')?.dataset.layoutVersion) > 0);
    await timeToLayout(page, 'template', 'densenet121');
    await page.screenshot({ path: join(screenshots, 'bench-densenet121-collapsed.png') });
    const collapsedPan = await pan(page);

    const target = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    const lines = [
      `densenet121 open + layout (blocks collapsed): median ${median(open).toFixed(0)} ms over ${runs} runs [${open.map((t) => t.toFixed(0)).join(', ')}] — target < 1500 ms: ${target(median(open) < 1500)}`,
      `densenet121 expand all (${layers} boxes) + layout, every frame laid out: median ${median(expand).toFixed(0)} ms [${expand.map((t) => t.toFixed(0)).join(', ')}], of which ELK ${median(expandLayout).toFixed(0)} ms (in the ${where}) — target < 1500 ms: ${target(median(expand) < 1500)}`,
      `densenet121 expand all again (frame layouts remembered): median ${median(again).toFixed(0)} ms [${again.map((t) => t.toFixed(0)).join(', ')}], of which ELK ${median(againLayout).toFixed(0)} ms`,
      `panning, every block expanded: ${expandedPan.fps.toFixed(1)} fps, longest frame ${expandedPan.worstMs.toFixed(0)} ms, viewport moved: ${expandedPan.moved} — target ≥ 30 fps: ${target(expandedPan.fps >= 30)}`,
      `panning, blocks collapsed: ${collapsedPan.fps.toFixed(1)} fps, longest frame ${collapsedPan.worstMs.toFixed(0)} ms, viewport moved: ${collapsedPan.moved} — target ≥ 30 fps: ${target(collapsedPan.fps >= 30)}`,
    ];
    lines.push(`load average at the start: ${load.toFixed(1)} on ${availableParallelism()} cores`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await browser.close();
    host?.child.kill();
  }
}

await main();
