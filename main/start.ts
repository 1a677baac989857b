// `npm start`: build, then open the Electron app; where Electron cannot start (its binary cannot be downloaded on an
// offline machine, or there is no display), say why in one line and serve the same app in browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serveBrowserMode } from './web/serve';

const projectRoot = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** Why Electron cannot start here, or null when it can be tried. */
export function electronObstacle(options: {
  electronDir: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  download: () => { ok: boolean; detail: string };
}): string | null {
  const { electronDir, platform, env } = options;
  if (!existsSync(join(electronDir, 'package.json'))) return 'the electron package is not installed (run npm install)';
  const version = (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }).version;
  const installedVersion = (() => {
    try {
      return readFileSync(join(electronDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '');
    } catch {
      return null;
    }
  })();
  if (installedVersion !== version) {
    const download = options.download();
    if (!download.ok) return `the Electron ${version} binary is not installed and could not be downloaded (${download.detail})`;
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no display is available (DISPLAY and WAYLAND_DISPLAY are unset)';
  return null;
}

function downloadElectron(electronDir: string): { ok: boolean; detail: string } {
  process.stdout.write('Model Lab: downloading the Electron binary (first launch)…\n');
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8', timeout: 300_000 });
  if (result.status === 0) return { ok: true, detail: '' };
  const firstLine = `${result.stderr ?? ''}${result.error?.message ?? ''}`.split('\n').find((l) => l.trim() !== '') ?? `exit code ${result.status}`;
  return { ok: false, detail: firstLine.trim() };
}

function build(): void {
  process.stdout.write('Model Lab: building…\n');
  const result = spawnSync(process.execPath, [join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error('the build failed (output above)');
  }
}

async function fallBackToBrowser(reason: string, argv: string[]): Promise<void> {
  const host = await serveBrowserMode(argv, () => {});
  process.stdout.write(`Model Lab: cannot open the desktop window: ${reason}. Serving browser mode instead at ${host.url} (open it in Chrome or Chromium; Ctrl+C stops it).\n`);
  const stop = () => void host.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function start(argv: string[]): Promise<void> {
  build();
  const electronDir = join(projectRoot, 'node_modules', 'electron');
  const obstacle = electronObstacle({ electronDir, platform: process.platform, env: process.env, download: () => downloadElectron(electronDir) });
  if (obstacle) return fallBackToBrowser(obstacle, argv);

  const binary = require('electron') as unknown as string;
  const child = spawn(binary, [projectRoot, ...argv], { stdio: ['inherit', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const startedAt = Date.now();
  child.on('error', (error) => void fallBackToBrowser(`Electron could not be launched (${error.message})`, argv));
  child.on('exit', (code, signal) => {
    // A crash within seconds of launch means Electron cannot run on this machine: fall back rather than leave nothing.
    if (code !== 0 && Date.now() - startedAt < 5000) {
      const lastLine = stderr.trim().split('\n').pop() ?? '';
      void fallBackToBrowser(`Electron exited at start-up (${signal ?? `code ${code}`}${lastLine ? `: ${lastLine}` : ''})`, argv);
    } else {
      process.exit(code ?? 1);
    }
  });
}

if (process.argv[1]?.endsWith('main/start.ts')) {
  start(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`Model Lab: cannot start: ${error.message}\n`);
    process.exit(1);
  });
}
