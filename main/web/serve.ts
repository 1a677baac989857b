// `npm run web`: browser mode on purpose. Serves out/renderer (built by electron-vite) and the services.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHandlers } from '../handlers';
import { resolveDataDir } from '../services/data-folder';
import { EventStreams, portFromEnv, startWebHost, type WebHost } from './host';

const projectRoot = join(import.meta.dirname, '../..');
export const builtRendererRoot = join(projectRoot, 'out/renderer');

export async function serveBrowserMode(argv: string[], log: (line: string) => void = console.log): Promise<WebHost> {
  const flagIndex = argv.indexOf('--data-dir');
  const data = resolveDataDir(flagIndex >= 0 ? argv[flagIndex + 1] : argv.find((a) => a.startsWith('--data-dir='))?.slice(11));
  if (!existsSync(join(builtRendererRoot, 'index.html'))) {
    throw new Error(`The renderer is not built (${builtRendererRoot} has no index.html); run 'npm run build' first.`);
  }
  const events = new EventStreams();
  const host = await startWebHost({
    rendererRoot: builtRendererRoot,
    handlers: createHandlers({ data, host: 'web', events }),
    events,
    port: portFromEnv(),
  });
  log(`Model Lab (browser mode) is serving at ${host.url}`);
  log(`Data folder: ${data.path}`);
  return host;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('main/web/serve.ts')) {
  serveBrowserMode(process.argv.slice(2)).then(
    (host) => {
      const stop = () => void host.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (error: Error) => {
      console.error(`model-lab web: ${error.message}`);
      process.exit(1);
    },
  );
}
