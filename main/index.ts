// Electron glue only: window, menu, security, the app:// protocol and IPC registration. Services live elsewhere.
import { app, BrowserWindow, dialog, Menu, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { createHandlers } from './handlers';
import { registerIpc, windowEventSink } from './ipc';
import { resolveDataDir } from './services/data-folder';
import type { ProjectDialogs } from './services/project-files';
import { CONTENT_SECURITY_POLICY, ISOLATION_HEADERS, readStaticFile } from './static-files';

const APP_ORIGIN = 'app://model-lab';
const rendererRoot = join(import.meta.dirname, '../renderer');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

// WebGPU is behind a flag on Linux; Vulkan is its backend there.
if (process.platform === 'linux') {
  app.commandLine.appendSwitch('enable-unsafe-webgpu');
  app.commandLine.appendSwitch('enable-features', 'Vulkan');
}

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

function dataDirFlag(argv: string[]): string | undefined {
  const index = argv.indexOf('--data-dir');
  if (index >= 0) return argv[index + 1];
  return argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
}

function isTrustedUrl(url: string): boolean {
  if (url.startsWith(APP_ORIGIN + '/')) return true;
  return devServerUrl !== undefined && url.startsWith(new URL(devServerUrl).origin + '/');
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Model Lab',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
}

// The window asking: the contract's handlers do not see the IPC sender, and the user has just clicked in it.
const dialogParent = (): BrowserWindow | undefined => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
const JSON_FILTERS = [{ name: 'Model Lab project', extensions: ['json'] }];

const projectDialogs: ProjectDialogs = {
  async chooseSavePath(suggestedName) {
    const options = { title: 'Save project', defaultPath: join(app.getPath('documents'), suggestedName), filters: JSON_FILTERS };
    const parent = dialogParent();
    const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  async chooseOpenPath() {
    const options = { title: 'Open project', filters: JSON_FILTERS, properties: ['openFile' as const] };
    const parent = dialogParent();
    const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
};

function buildMenu(): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ role: process.platform === 'darwin' ? 'close' : 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

// Navigation and new windows are blocked; links to the web open in the user's browser.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

void app.whenReady().then(() => {
  const data = resolveDataDir(dataDirFlag(process.argv));
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'model-lab') return new Response('Not found', { status: 404 });
    const file = await readStaticFile(rendererRoot, url.pathname);
    if (!file) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: { 'content-type': file.contentType, 'content-security-policy': CONTENT_SECURITY_POLICY, ...ISOLATION_HEADERS },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  registerIpc(
    createHandlers({ data, host: 'electron', events: windowEventSink(() => BrowserWindow.getAllWindows().map((w) => w.webContents)), dialogs: projectDialogs }),
    isTrustedUrl,
  );
  buildMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

