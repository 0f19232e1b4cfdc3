/**
 * The app as the end-to-end tests drive it: the renderer built into a scratch folder, `npm run
 * serve`'s entry as a real process in front of a fake upstream, the OpenAI SDK pointed at its
 * proxy, and its UI open in headless Chromium. Screenshots go to test-results/e2e/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { chromiumPath, launchChromium } from './chromium.ts';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.ts';
import { type HeadlessProcess, startHeadlessProcess } from './headless-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'test-results', 'e2e');

export interface UiApp {
  upstream: FakeUpstream;
  app: HeadlessProcess;
  page: Page;
  openai: OpenAI;
  /** A scratch folder of this run (the data directory is `data/` in it). */
  work: string;
  /** Saves a screenshot as test-results/e2e/<name>.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface UiAppOptions {
  /** Routes the fake upstream answers, set before the app starts. */
  routes(upstream: FakeUpstream): void;
  /** The API key the SDK sends. */
  sdkKey: string;
  /** Extra environment for the app process. */
  env?: Record<string, string>;
}

/** The Chromium to drive, or null after a loud warning that `what` is skipped. */
export function chromiumOrWarn(what: string): string | null {
  const executable = chromiumPath();
  if (!executable) {
    console.warn(
      `\n!!! Chromium not found: ${what} are SKIPPED. Install it with \`apt-get install -y chromium\` (CI does). !!!\n`,
    );
  }
  return executable;
}

/** Builds the renderer, starts the app and a browser on its UI, and waits until the UI shows the proxy. */
export async function startUiApp(executable: string, options: UiAppOptions): Promise<UiApp> {
  const work = await mkdtemp(join(tmpdir(), 'tokentap-e2e-'));
  await mkdir(SHOTS, { recursive: true });
  const rendererDir = join(work, 'renderer');
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true },
  });
  const upstream = await startFakeUpstream();
  options.routes(upstream);
  const token = 'e2e-token';
  const app = await startHeadlessProcess({
    UPSTREAM: upstream.url,
    TOKENTAP_TOKEN: token,
    TOKENTAP_DATA_DIR: join(work, 'data'),
    TOKENTAP_RENDERER_DIR: rendererDir,
    ...options.env,
  });
  const openai = new OpenAI({ apiKey: options.sdkKey, baseURL: `${app.proxyUrl}/v1`, maxRetries: 0 });
  const browser: BrowserContext = await launchChromium(executable);
  const page = await browser.newPage();
  await page.goto(`${app.uiUrl}/?token=${token}`);
  await page.getByText('Listening on').waitFor();
  return {
    upstream,
    app,
    page,
    openai,
    work,
    shot: async (name) => {
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
    },
    async close() {
      await browser.close();
      app.child.kill('SIGTERM');
      await app.exited;
      await upstream.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
