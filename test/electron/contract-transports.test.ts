/**
 * One contract, two transports: the same real InspectorService behind the IPC gateway (through
 * the preload bridge) and behind the UI server (through the browser client). A call must be
 * refused with the same words on both, and answered with the same result.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIpcGateway } from '../../electron/bridge/ipc-gateway.ts';
import { createDesktopApi } from '../../electron/bridge/preload-api.ts';
import { createBrowserClient } from '../../renderer/api/browser-client.ts';
import type { InspectorApi } from '../../shared/contract/inspector-contract.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../support/headless-harness.ts';
import { waitForStored } from '../support/stored-exchanges.ts';
import { APP_URL, FakeIpcMain, FakeIpcRenderer, FakeWebContents } from './desktop/fake-ipc.ts';

let h: HeadlessHarness;
let ipc: InspectorApi;
let http: InspectorApi;
let closeGateway: () => void;

beforeEach(async () => {
  h = await startHeadlessHarness();
  const ipcMain = new FakeIpcMain();
  const contents = new FakeWebContents(7);
  const gateway = openIpcGateway({
    ipcMain,
    webContents: contents,
    appUrl: APP_URL,
    handlers: h.service.handlers,
    subscribe: (listener) => h.service.subscribe(listener),
    log: () => undefined,
  });
  closeGateway = () => gateway.close();
  ipc = createDesktopApi(new FakeIpcRenderer(ipcMain, contents));
  http = createBrowserClient({ origin: h.ui.url, token: UI_TOKEN });
});
afterEach(async () => {
  closeGateway();
  await h.close();
});

/** What a call is refused with, or 'accepted'. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

// Calls a compromised renderer or any local program could make, bypassing the types.
const bad: [string, (api: InspectorApi) => Promise<unknown>][] = [
  [
    'a pause flag that is not a boolean',
    (api) => (api.capture.setPaused as (v: unknown) => Promise<unknown>)('yes'),
  ],
  [
    'a setting over the length cap',
    (api) => api.settings.update({ listenAddr: '127.0.0.1:0', upstream: `http://${'x'.repeat(3000)}` }),
  ],
  [
    'a setting of the wrong type',
    (api) => api.settings.update({ listenAddr: 3000 as never, upstream: 'http://u' }),
  ],
  ['a session that is not a session id', (api) => api.exchanges.list('../settings')],
  ['an exchange id over the cap', (api) => api.exchanges.get('x'.repeat(300), null)],
  [
    'an export of an unknown format',
    (api) => api.export.build({ format: 'zip' as never, session: null, ids: null }),
  ],
  [
    'ids that are not a list',
    (api) => api.export.build({ format: 'har', session: null, ids: 'a,b' as never }),
  ],
  [
    'a replay of a session that is not an id',
    (api) => api.replay.start({ session: '../x', speed: 1, fallthrough: false, faults: [] }),
  ],
  [
    'an unknown fault',
    (api) =>
      api.replay.start({ session: null, speed: 1, fallthrough: false, faults: [{ kind: 'boom' } as never] }),
  ],
  [
    'a negative speed',
    (api) => api.replay.start({ session: null, speed: -1, fallthrough: false, faults: [] }),
  ],
  [
    // (An id in the path is always a string over HTTP: the edits are what can have the wrong type.)
    'a resend whose edited body is not text',
    (api) => api.exchanges.resend({ id: 'a', session: null, body: 5 as never }),
  ],
];

describe('the same contract over IPC and HTTP', () => {
  for (const [what, call] of bad) {
    it(`refuses ${what} with the same message on both`, async () => {
      const overIpc = await outcome(() => call(ipc));
      const overHttp = await outcome(() => call(http));
      expect(overIpc).not.toBe('accepted');
      expect(overIpc).toMatch(/^[a-z]+\.[A-Za-z]+: /);
      expect(overHttp).toBe(overIpc);
    });
  }

  it('builds the same export over both (one code path)', async () => {
    await fetch(`${h.service.proxy?.url}/v1/models`).then((res) => res.arrayBuffer());
    await waitForStored(ipc, 1);
    for (const format of ['jsonl', 'har'] as const) {
      const request = { format, session: null, ids: null };
      const [overIpc, overHttp] = [await ipc.export.build(request), await http.export.build(request)];
      expect(overHttp).toEqual(overIpc);
      expect(overIpc.content.length).toBeGreaterThan(100);
    }
  });
});
