// @vitest-environment jsdom
/**
 * The settings dialog's OpenTelemetry fields against the real headless server (browser client over
 * real HTTP) and a real OTLP receiver: a header typed once reaches the endpoint and is never shown
 * again; the dialog lists its name, replaces or clears it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { InspectorService } from '../../electron/inspector-service.ts';
import { type RunningUiServer, startUiServer } from '../../electron/server/ui-server.ts';
import { createBrowserClient } from '../../renderer/api/browser-client.ts';
import { SettingsDialog } from '../../renderer/components/top-bar/settings-dialog.tsx';
import { InspectorProvider } from '../../renderer/store/inspector-context.tsx';
import type { InspectorApi } from '../../shared/contract/inspector-contract.ts';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.ts';
import { loadSseFixture } from '../support/fixtures.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';

const SECRET = 'Basic dGVhbS1sYW5nZnVzZS1zZWNyZXQ=';
const TOKEN = 'otel-dialog-token-0123456789';
// The service and UI server as the headless app runs them (the harness's OpenAI client refuses jsdom).
let upstream: FakeUpstream;
let dataDir: string;
let service: InspectorService;
let ui: RunningUiServer;
let receiver: OtlpReceiver;
let api: InspectorApi;
beforeEach(async () => {
  upstream = await startFakeUpstream();
  dataDir = await mkdtemp(join(tmpdir(), 'tokentap-otel-dialog-'));
  service = await InspectorService.start({
    dataDir,
    env: { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: upstream.url, OTEL_BSP_SCHEDULE_DELAY: '20' },
    headersTimeoutMs: 10_000,
    log: () => {},
  });
  ui = await startUiServer({
    listen: { host: '127.0.0.1', port: 0 },
    service,
    rendererDir: join(import.meta.dirname, '..', 'support', 'no-renderer'),
    token: TOKEN,
  });
  receiver = await startOtlpReceiver();
  api = createBrowserClient({ origin: ui.url, token: TOKEN, WebSocket: undefined as never });
});
afterEach(async () => {
  cleanup();
  await ui.close();
  await service.close();
  await upstream.close();
  await receiver.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function openDialog() {
  const status = await api.status.get();
  const onClose = vi.fn();
  render(
    <InspectorProvider api={api}>
      <SettingsDialog status={status} onClose={onClose} />
    </InspectorProvider>,
  );
  return { dialog: screen.getByRole('dialog', { name: 'Proxy settings' }), onClose };
}

async function chat(): Promise<void> {
  upstream.respond('POST /v1/chat/completions', {
    headers: { 'content-type': 'text/event-stream' },
    chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 1 }),
  });
  const response = await fetch(`${service.proxy?.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-0123456789abcdef' },
    body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  await response.text();
}

it('saves the endpoint, service name, content opt-in and a header; shows the header by name only, then clears it', async () => {
  const user = userEvent.setup();
  const first = await openDialog();
  const otel = within(first.dialog).getByRole('group', { name: 'OpenTelemetry export' });
  await user.type(within(otel).getByLabelText(/^OTLP endpoint/), receiver.url);
  await user.selectOptions(within(otel).getByLabelText(/^Protocol/), 'http/json');
  await user.type(within(otel).getByLabelText(/^Service name/), 'agents');
  await user.type(within(otel).getByLabelText(/^Resource attributes/), 'team=ml');
  await user.type(within(otel).getByLabelText('Header name'), 'Authorization');
  await user.type(within(otel).getByLabelText('Header value'), SECRET);
  await user.click(within(otel).getByRole('button', { name: 'Add header' }));
  await user.click(within(otel).getByLabelText(/^Send message content/));
  await user.click(within(first.dialog).getByRole('button', { name: /Save/ }));
  await waitFor(() => expect(first.onClose, 'the dialog closes once saved').toHaveBeenCalled());
  cleanup();

  await chat();
  await vi.waitFor(() => expect(receiver.spans, 'the span at the endpoint typed in').toHaveLength(1), {
    timeout: 10_000,
    interval: 20,
  });
  expect(receiver.contentTypes[0]).toContain('json');
  expect(receiver.requestHeaders[0]?.authorization).toBe(SECRET);
  expect(receiver.spans[0]?.resource).toMatchObject({ 'service.name': 'agents', team: 'ml' });
  expect(receiver.spans[0]?.attributes['gen_ai.input.messages']).toBeDefined();

  // Opened again: the fields as saved, the header by name, its value nowhere in the page.
  const second = await openDialog();
  expect((within(second.dialog).getByLabelText(/^OTLP endpoint/) as HTMLInputElement).value).toBe(
    receiver.url,
  );
  const headers = within(second.dialog).getByRole('group', { name: 'Headers' });
  expect(within(headers).getByText('Authorization')).toBeTruthy();
  expect(document.body.innerHTML).not.toContain('dGVhbS1s');
  await user.click(within(headers).getByRole('button', { name: 'Clear' }));
  await user.click(within(second.dialog).getByRole('button', { name: /Save/ }));
  await waitFor(() => expect(second.onClose, 'the dialog closes once saved').toHaveBeenCalled());
  expect((await api.status.get()).telemetrySettings?.headerNames).toEqual([]);
  await chat();
  await vi.waitFor(() => expect(receiver.spans, 'a span after the header was cleared').toHaveLength(2), {
    timeout: 10_000,
    interval: 20,
  });
  expect(receiver.requestHeaders.at(-1)?.authorization).toBeUndefined();
});
