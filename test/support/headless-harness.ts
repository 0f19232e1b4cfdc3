/**
 * The headless app in-process: InspectorService + the UI server on 127.0.0.1:0, in front of a
 * real fake upstream, with a fresh data directory. Tests talk to it over real HTTP and WebSocket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { InspectorService } from '../../electron/inspector-service.ts';
import {
  type RunningUiServer,
  startUiServer,
  type UiServerOptions,
} from '../../electron/server/ui-server.ts';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.ts';
import { TEST_API_KEY } from './tokentap-harness.ts';

export const UI_TOKEN = 'test-token-0123456789';

export interface HeadlessHarness {
  upstream: FakeUpstream;
  service: InspectorService;
  ui: RunningUiServer;
  dataDir: string;
  openai: OpenAI;
  logs: string[];
  /** fetch against the UI server with the token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** GET from the UI server's API, expecting 200: the body as JSON. */
  json<T>(path: string): Promise<T>;
  /** A WebSocket client through the proxy to `path`, carrying the test API key (not yet open). */
  websocket(path: string): WebSocket;
  close(): Promise<void>;
}

/** Starts the service and UI server with a temporary data directory (`uiOptions`: more server options). */
export async function startHeadlessHarness(
  rendererDir = join(import.meta.dirname, 'no-renderer'),
  uiOptions: Partial<UiServerOptions> = {},
  /** More of Tokentap's environment (`OPENAI_API_KEY` for resends). */
  env: Record<string, string> = {},
): Promise<HeadlessHarness> {
  const upstream = await startFakeUpstream();
  const dataDir = await mkdtemp(join(tmpdir(), 'tokentap-test-'));
  const logs: string[] = [];
  const service = await InspectorService.start({
    dataDir,
    env: { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: upstream.url, ...env },
    headersTimeoutMs: 10_000,
    log: (message) => logs.push(message),
  });
  const ui = await startUiServer({
    listen: { host: '127.0.0.1', port: 0 },
    service,
    rendererDir,
    token: UI_TOKEN,
    ...uiOptions,
  });
  const proxyUrl = service.proxy?.url as string;
  // A body is JSON unless the test says otherwise (fetch would send a string as text/plain).
  const api = (path: string, init: RequestInit = {}) =>
    fetch(ui.url + path, {
      ...init,
      headers: {
        authorization: `Bearer ${UI_TOKEN}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
    });
  return {
    upstream,
    service,
    ui,
    dataDir,
    logs,
    openai: new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${proxyUrl}/v1`, maxRetries: 0 }),
    api,
    async json<T>(path: string): Promise<T> {
      const response = await api(path);
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    },
    websocket: (path) =>
      new WebSocket(`${proxyUrl.replace('http:', 'ws:')}${path}`, {
        headers: { authorization: `Bearer ${TEST_API_KEY}` },
      }),
    async close() {
      await ui.close();
      await service.close();
      await upstream.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
