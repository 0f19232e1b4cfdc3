import { join } from 'node:path';
import { errorMessage } from '../shared/error-message.ts';
import { buildRenderer } from './build-outputs.ts';
import { dataDir } from './data-dir.ts';
import { InspectorService } from './inspector-service.ts';
import { type ListenAddress, parseListenAddress } from './proxy/listen-address.ts';
import { ListenError, listenProblemLine } from './proxy/listen-error.ts';
import { proxyConfigFromEnv } from './proxy-config.ts';
import { type RunningUiServer, startUiServer } from './server/ui-server.ts';

export const DEFAULT_UI_ADDR = '127.0.0.1:3001';
const BUILT_RENDERER = join(import.meta.dirname, '..', 'dist', 'renderer');

/** Sets the service up before it is announced (`tokentap replay` turns replay mode on); returns a line to print. */
export type ServeSetup = (
  service: InspectorService,
  running: { proxyUrl: string },
) => Promise<string | undefined>;

/** What the one line about an address that cannot be listened on tells the user to do, per server. */
export interface ListenRemedies {
  proxy: string;
  ui: string;
}

/** `tokentap serve` is configured by the environment. */
export const SERVE_REMEDIES: ListenRemedies = {
  proxy: 'Set LISTEN_ADDR to another address (LISTEN_ADDR=:0 for a free port).',
  ui: 'Set UI_ADDR to another address (UI_ADDR=:0 for a free port).',
};

export interface HeadlessOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the UI listens; null: no UI. Default: `UI_ADDR`, else 127.0.0.1:3001. */
  ui?: ListenAddress | null;
  setup?: ServeSetup;
  remedies?: ListenRemedies;
}

/** A server started headless: its proxy, its UI (if any) and how to stop both. */
export interface RunningHeadless {
  service: InspectorService;
  proxyUrl: string;
  ui: RunningUiServer | null;
  close(): Promise<void>;
}

/** Runs Tokentap without a display: the proxy, the sessions and (unless `ui` is null) the UI in a browser. Resolves once it is up. */
export async function serveHeadless(options: HeadlessOptions = {}): Promise<RunningHeadless> {
  const env = options.env ?? process.env;
  const remedies = options.remedies ?? SERVE_REMEDIES;
  const uiAddress = options.ui === undefined ? uiAddressFromEnv(env) : options.ui;
  const { headersTimeoutMs } = proxyConfigFromEnv(env);
  const log = (message: string) => console.warn(`[tokentap] ${message}`);
  const directory = dataDir(env);
  const service = await InspectorService.start({
    dataDir: directory,
    env,
    headersTimeoutMs,
    log,
    requireProxy: true,
  }).catch((error: unknown) => {
    throw oneLine('the proxy', error, remedies.proxy);
  });
  const proxyUrl = service.proxy?.url ?? '';
  let ui: RunningUiServer | null = null;
  const close = async () => {
    await ui?.close();
    await service.close();
  };
  try {
    if (uiAddress !== null) {
      ui = await startUiServer({
        listen: uiAddress,
        service,
        // The end-to-end tests serve a renderer they built themselves.
        rendererDir: env.TOKENTAP_RENDERER_DIR || BUILT_RENDERER,
        token: env.TOKENTAP_TOKEN,
      }).catch((error: unknown) => {
        throw oneLine('the UI', error, remedies.ui);
      });
    }
    const note = await options.setup?.(service, { proxyUrl });
    const status = await service.status();
    console.log(`Tokentap proxy on ${proxyUrl} → ${status.upstream}  (SDK base_url: ${proxyUrl}/v1)`);
    if (ui) console.log(`Tokentap UI on ${ui.openUrl}`);
    console.log(`Sessions in ${directory}`);
    if (note) console.log(note);
  } catch (error) {
    await close();
    throw error;
  }
  return { service, proxyUrl, ui, close };
}

function uiAddressFromEnv(env: NodeJS.ProcessEnv): ListenAddress {
  try {
    return parseListenAddress(env.UI_ADDR || DEFAULT_UI_ADDR);
  } catch (error) {
    throw new Error(`UI_ADDR: ${(error as Error).message}`);
  }
}

/** A listen failure as one line that says what to do; any other error as it is. */
function oneLine(what: string, error: unknown, remedy: string): unknown {
  return error instanceof ListenError ? new Error(listenProblemLine(what, error, remedy)) : error;
}

export interface RunServeOptions extends HeadlessOptions {
  /** Said when a signal stops the server, before it closes; resolves with the exit code. */
  onStop?: (signal: NodeJS.Signals) => Promise<number>;
}

/** `tokentap serve`: runs until SIGINT/SIGTERM, then flushes and closes the session. */
export async function runServe(options: RunServeOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  if (options.ui !== null && !env.TOKENTAP_RENDERER_DIR) await buildRenderer();
  const running = await serveHeadless(options);
  const onStop =
    options.onStop ??
    (async (signal: NodeJS.Signals) => {
      console.log(`\n${signal}: flushing the session and stopping`);
      return 0;
    });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void onStop(signal)
      .catch((error: unknown) => {
        console.error(`tokentap: ${(error as Error).message}`);
        return 1;
      })
      .then(async (code) => {
        await running.close().catch((error: unknown) => {
          console.error(`tokentap: closing failed: ${(error as Error).message}`);
        });
        process.exit(code);
      });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (import.meta.main) {
  runServe().catch((error: unknown) => {
    console.error(`tokentap: ${errorMessage(error)}`);
    process.exit(1);
  });
}
