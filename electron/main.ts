// The Electron main process, kept thin: window, security, menu and dialogs are wired here; the
// work is in plain modules that `npm run serve` and the tests share.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  type MessageBoxOptions,
  type OpenDialogOptions,
  type SaveDialogOptions,
  session,
  shell,
} from 'electron';
import { errorMessage } from '../shared/error-message.ts';
import { type IpcGateway, openIpcGateway } from './bridge/ipc-gateway.ts';
import { appMenuTemplate } from './desktop/app-menu.ts';
import { externalUrl, isAppUrl } from './desktop/app-url.ts';
import { cspFromHtml, DEFAULT_CSP } from './desktop/content-security-policy.ts';
import { type Dialogs, type FileActions, fileActions } from './desktop/file-actions.ts';
import { InspectorService } from './inspector-service.ts';
import { DEFAULT_HEADERS_TIMEOUT_MS } from './proxy/proxy-server.ts';

/** The README's quick start, put in at build time (vite.electron.config.ts). */
declare const __TOKENTAP_QUICK_START__: string;

const log = (message: string) => console.warn(`[tokentap] ${message}`);
/** What to do when the proxy cannot listen: the window stays open, so the settings can fix it. */
const DESKTOP_PROXY_REMEDY =
  'Pick another address in Settings, or start Tokentap with LISTEN_ADDR=:0 for a free port.';
const devServerUrl = process.env.VITE_DEV_SERVER_URL;
const rendererIndex = join(import.meta.dirname, '..', 'renderer', 'index.html');
const appUrl = devServerUrl || pathToFileURL(rendererIndex).href;
const preload = join(import.meta.dirname, 'preload.cjs');

let service: InspectorService | null = null;
let window: BrowserWindow | null = null;
let gateway: IpcGateway | null = null;
let actions: FileActions | null = null;
let shutDown = false;

// The same folder `npm run serve` uses (~/.config/Tokentap), whatever package.json's name is.
app.setPath('userData', join(app.getPath('appData'), 'Tokentap'));

function headersTimeoutMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.TOKENTAP_HEADERS_TIMEOUT_MS);
  return env.TOKENTAP_HEADERS_TIMEOUT_MS && Number.isFinite(value) && value > 0
    ? value
    : DEFAULT_HEADERS_TIMEOUT_MS;
}

function pageCsp(): string {
  try {
    return cspFromHtml(readFileSync(rendererIndex, 'utf8')) ?? DEFAULT_CSP;
  } catch {
    return DEFAULT_CSP;
  }
}

function secureSession(): void {
  const ses = session.defaultSession;
  // Only copying to the clipboard (the base_url button); no camera, notifications, geolocation…
  ses.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(permission === 'clipboard-sanitized-write'),
  );
  ses.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');
  // The page's own meta policy as a header too, so one is in force even if the meta goes missing.
  // The dev server needs inline scripts (React refresh), so it gets the page's relaxed policy.
  if (!devServerUrl) {
    const csp = pageCsp();
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
}

function dialogs(): Dialogs {
  const parent = () => (window && !window.isDestroyed() ? window : null);
  return {
    async chooseFile({ title, filters }) {
      const options: OpenDialogOptions = { title, filters, properties: ['openFile'] };
      const owner = parent();
      const result = await (owner ? dialog.showOpenDialog(owner, options) : dialog.showOpenDialog(options));
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseSaveFile({ title, defaultPath, filters }) {
      const options: SaveDialogOptions = { title, defaultPath, filters };
      const owner = parent();
      const result = await (owner ? dialog.showSaveDialog(owner, options) : dialog.showSaveDialog(options));
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async message({ type, message, detail }) {
      const options: MessageBoxOptions = { type, message, ...(detail === undefined ? {} : { detail }) };
      const owner = parent();
      await (owner ? dialog.showMessageBox(owner, options) : dialog.showMessageBox(options));
    },
  };
}

function createWindow(inspector: InspectorService, files: FileActions): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Tokentap',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window = win;
  const contents = win.webContents;
  const ipc = openIpcGateway({
    ipcMain,
    webContents: contents,
    appUrl,
    handlers: inspector.handlers,
    subscribe: (listener) => inspector.subscribe(listener),
    saveExport: (request) => files.saveExport(request),
    log,
  });
  gateway = ipc;
  // A reload starts a new renderer: updates wait until it subscribes again.
  contents.on('did-start-loading', () => ipc.holdUpdates());
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    const external = externalUrl(url);
    if (external && !isAppUrl(url, appUrl)) void shell.openExternal(external);
  });
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrl(url);
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    ipc.close();
    if (gateway === ipc) gateway = null;
    if (window === win) window = null;
  });
  void win.loadURL(appUrl);
}

function focusWindow(): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/** The file work of the menu and the window (import, export), done in the main process. */
function makeFileActions(inspector: InspectorService): FileActions {
  return fileActions({
    handlers: inspector.handlers,
    exportTo: (request, out) => inspector.exportTo(request, out),
    dialogs: dialogs(),
    command: (command) => gateway?.command(command),
    saveDir: app.getPath('downloads'),
    quickStart: __TOKENTAP_QUICK_START__,
  });
}

function installMenu(files: FileActions, directory: string): void {
  const template = appMenuTemplate(
    {
      newSession: () => void files.newSession(),
      openSession: () => {
        focusWindow();
        gateway?.command({ type: 'sessions.open' });
      },
      importFile: () => void files.importFile(),
      exportHar: () => void files.exportSession('har'),
      exportJsonl: () => void files.exportSession('jsonl'),
      quickStart: () => void files.quickStart(),
      showDataFolder: () => void shell.openPath(directory),
    },
    process.platform,
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function start(): Promise<void> {
  secureSession();
  const env = process.env;
  const directory = env.TOKENTAP_DATA_DIR || app.getPath('userData');
  // A port in use does not throw: the status carries the error and the window offers the settings.
  service = await InspectorService.start({
    dataDir: directory,
    env,
    headersTimeoutMs: headersTimeoutMs(env),
    log,
  });
  const status = await service.status();
  log(
    status.proxyUrl
      ? `proxy on ${status.proxyUrl} → ${status.upstream}`
      : `proxy NOT listening: ${status.error}. ${DESKTOP_PROXY_REMEDY}`,
  );
  actions = makeFileActions(service);
  installMenu(actions, directory);
  createWindow(service, actions);
}

/** Flushes the session before the app goes; the first quit waits for it, then quits for real. */
function onBeforeQuit(event: Electron.Event): void {
  if (shutDown) return;
  event.preventDefault();
  if (service === null && gateway === null) {
    shutDown = true;
    app.quit();
    return;
  }
  const closing = service;
  service = null;
  gateway?.close();
  gateway = null;
  void (closing?.close() ?? Promise.resolve())
    .catch((error: unknown) => log(`closing the session failed: ${(error as Error).message}`))
    .finally(() => {
      shutDown = true;
      app.quit();
    });
}

if (!app.requestSingleInstanceLock()) {
  // Another Tokentap owns the proxy port and the session: it gets focused instead.
  app.quit();
} else {
  app.on('second-instance', focusWindow);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (window === null && service !== null && actions !== null) createWindow(service, actions);
  });
  app.on('before-quit', onBeforeQuit);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('Tokentap cannot start', errorMessage(error));
      app.exit(1);
    });
}
