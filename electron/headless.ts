import { join } from 'node:path';
import { buildRenderer } from './build-outputs.ts';
import { dataDir } from './data-dir.ts';
import { InspectorService } from './inspector-service.ts';
import { parseListenAddress } from './proxy/listen-address.ts';
import { proxyConfigFromEnv } from './proxy-config.ts';
import { startUiServer } from './server/ui-server.ts';

export const DEFAULT_UI_ADDR = '127.0.0.1:3001';
const BUILT_RENDERER = join(import.meta.dirname, '..', 'dist', 'renderer');

/** Sets the service up before it is announced (`tokentap replay` turns replay mode on); returns a line to print. */
export type ServeSetup = (service: InspectorService) => Promise<string | undefined>;

/** Runs Tokentap without a display: the proxy, the sessions and the UI in a browser. Resolves once it is up. */
export async function serveHeadless(
  env: NodeJS.ProcessEnv = process.env,
  setup?: ServeSetup,
): Promise<() => Promise<void>> {
  const { headersTimeoutMs } = proxyConfigFromEnv(env);
  const log = (message: string) => console.warn(`[tokentap] ${message}`);
  const directory = dataDir(env);
  const service = await InspectorService.start({ dataDir: directory, env, headersTimeoutMs, log });
  const ui = await startUiServer({
    listen: parseListenAddress(env.UI_ADDR || DEFAULT_UI_ADDR),
    service,
    // The end-to-end tests serve a renderer they built themselves.
    rendererDir: env.TOKENTAP_RENDERER_DIR || BUILT_RENDERER,
    token: env.TOKENTAP_TOKEN,
  }).catch(async (error: unknown) => {
    await service.close();
    throw error;
  });
  const note = await setup?.(service).catch(async (error: unknown) => {
    await ui.close();
    await service.close();
    throw error;
  });
  const status = await service.status();
  console.log(
    status.proxyUrl
      ? `Tokentap proxy on ${status.proxyUrl} → ${status.upstream}  (SDK base_url: ${status.proxyUrl}/v1)`
      : `Tokentap proxy NOT listening: ${status.error}`,
  );
  console.log(`Tokentap UI on ${ui.openUrl}`);
  console.log(`Sessions in ${directory}`);
  if (note) console.log(note);
  return async () => {
    await ui.close();
    await service.close();
  };
}

/** `tokentap serve`: runs until SIGINT/SIGTERM, then flushes and closes the session. */
export async function runServe(env: NodeJS.ProcessEnv = process.env, setup?: ServeSetup): Promise<void> {
  if (!env.TOKENTAP_RENDERER_DIR) await buildRenderer();
  const stop = await serveHeadless(env, setup);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: flushing the session and stopping`);
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (import.meta.main) {
  runServe().catch((error: unknown) => {
    console.error(`tokentap: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
