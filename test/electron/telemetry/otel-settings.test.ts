/**
 * The OpenTelemetry settings through the real settings path (PUT /api/settings on the headless UI
 * server, the same handler IPC reaches) to a real OTLP receiver: applied at once (the export
 * restarts), persisted in the settings file (mode 600), header values kept from the renderer and
 * the log, the environment winning over each saved field.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type {
  ProxyStatus,
  Settings,
  TelemetrySettingsUpdate,
} from '../../../shared/contract/inspector-contract.ts';
import { loadSseFixture } from '../../support/fixtures.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../../support/otlp-receiver.ts';

const SECRET = 'Basic cGstbGYtc2VjcmV0LWtleS0wMTIzNDU2Nzg5';
const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

async function harness(env: Record<string, string> = {}): Promise<HeadlessHarness> {
  const h = await startHeadlessHarness(undefined, {}, { OTEL_BSP_SCHEDULE_DELAY: '20', ...env });
  running.push(h);
  h.upstream.respond('POST /v1/chat/completions', {
    headers: { 'content-type': 'text/event-stream' },
    chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 1 }),
  });
  return h;
}

async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  running.push(r);
  return r;
}

function telemetry(url: string, more: Partial<TelemetrySettingsUpdate> = {}): TelemetrySettingsUpdate {
  return {
    endpoint: url,
    tracesEndpoint: '',
    metricsEndpoint: '',
    protocol: 'http/protobuf',
    serviceName: 'agents-ci',
    resourceAttributes: 'team=ml,deployment.environment=ci',
    captureContent: false,
    ...more,
  };
}

async function putSettings(h: HeadlessHarness, update: TelemetrySettingsUpdate): Promise<Response> {
  const status = (await (await h.api('/api/status')).json()) as ProxyStatus;
  const settings: Settings = { listenAddr: '127.0.0.1:0', upstream: status.upstream, telemetry: update };
  return h.api('/api/settings', { method: 'PUT', body: JSON.stringify(settings) });
}

async function chat(proxyUrl: string): Promise<void> {
  const response = await fetch(`${proxyUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-0123456789abcdef' },
    body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  await response.text();
  expect(response.status).toBe(200);
}

it('applies, persists and restarts the export from the dialog; header values never come back or reach the log', async () => {
  const h = await harness();
  const first = await receiver();
  const before = (await (await h.api('/api/status')).json()) as ProxyStatus;
  expect(before.telemetry ?? null).toBeNull();

  const applied = await putSettings(h, telemetry(first.url, { headers: { Authorization: SECRET } }));
  expect(applied.status).toBe(200);
  const status = (await applied.json()) as ProxyStatus;
  expect(status.telemetry).toMatchObject({ endpoint: `${first.url}/v1/traces`, protocol: 'http/protobuf' });
  expect(status.telemetrySettings).toMatchObject({
    endpoint: first.url,
    serviceName: 'agents-ci',
    headerNames: ['Authorization'],
    fromEnvironment: [],
  });
  expect(JSON.stringify(status)).not.toContain('cGstbGYt');

  await chat(status.proxyUrl as string);
  await vi.waitFor(() => expect(first.spans, 'a span at the endpoint from the dialog').toHaveLength(1), {
    timeout: 10_000,
    interval: 20,
  });
  expect(first.spans[0]?.resource).toMatchObject({
    'service.name': 'agents-ci',
    team: 'ml',
    'deployment.environment': 'ci',
  });
  expect(first.requestHeaders[0]?.authorization).toBe(SECRET);

  // Saved, private: the value is in the file (mode 600) and nowhere the renderer or the log sees.
  const file = join(h.dataDir, 'settings.json');
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  const saved = JSON.parse(await readFile(file, 'utf8')) as {
    telemetry: { headers: Record<string, string> };
  };
  expect(saved.telemetry.headers).toEqual({ Authorization: SECRET });
  const again = await (await h.api('/api/status')).text();
  expect(again).not.toContain('cGstbGYt');
  expect(h.logs.join('\n')).not.toContain('cGstbGYt');

  // A second apply without headers keeps the saved one; the export restarts on the new endpoint and protocol.
  const second = await receiver();
  const moved = await putSettings(h, telemetry(second.url, { protocol: 'http/json' }));
  expect(moved.status).toBe(200);
  const movedStatus = (await moved.json()) as ProxyStatus;
  expect(movedStatus.telemetry).toMatchObject({ endpoint: `${second.url}/v1/traces`, protocol: 'http/json' });
  await chat(movedStatus.proxyUrl as string);
  await vi.waitFor(() => expect(second.spans, 'a span at the new endpoint').toHaveLength(1), {
    timeout: 10_000,
    interval: 20,
  });
  expect(second.contentTypes[0]).toContain('json');
  expect(second.requestHeaders[0]?.authorization).toBe(SECRET);

  // Cleared by name: the next export goes without it.
  const cleared = await putSettings(h, telemetry(second.url, { headers: { authorization: null } }));
  const clearedStatus = (await cleared.json()) as ProxyStatus;
  expect(clearedStatus.telemetrySettings?.headerNames).toEqual([]);
  await chat(clearedStatus.proxyUrl as string);
  await vi.waitFor(() => expect(second.spans, 'a span after the header was cleared').toHaveLength(2), {
    timeout: 10_000,
    interval: 20,
  });
  expect(second.requestHeaders.at(-1)?.authorization).toBeUndefined();

  // An empty endpoint turns the export off.
  const off = await putSettings(h, telemetry(''));
  expect(((await off.json()) as ProxyStatus).telemetry ?? null).toBeNull();
});

it('refuses a bad endpoint or header and keeps the export running; errors never repeat a header value', async () => {
  const h = await harness();
  const r = await receiver();
  expect((await putSettings(h, telemetry(r.url))).status).toBe(200);
  const badUrl = await putSettings(h, telemetry('localhost:4318'));
  expect(badUrl.status).toBe(400);
  expect(await badUrl.text()).toMatch(/must be http/);
  const badHeader = await putSettings(
    h,
    telemetry(r.url, { headers: { 'x-key': 'sk-line\r\nInjected: 1' } }),
  );
  expect(badHeader.status).toBe(400);
  const text = await badHeader.text();
  expect(text).toMatch(/headers\.x-key is not a valid header value/);
  expect(text).not.toContain('sk-line');
  const status = (await (await h.api('/api/status')).json()) as ProxyStatus;
  expect(status.telemetry).toMatchObject({ endpoint: `${r.url}/v1/traces` });
});

it('lets the environment win over each saved field, and says which', async () => {
  const envReceiver = await receiver();
  const h = await harness({ OTEL_EXPORTER_OTLP_ENDPOINT: envReceiver.url, OTEL_SERVICE_NAME: 'from-env' });
  const dialog = await receiver();
  const applied = (await (await putSettings(h, telemetry(dialog.url))).json()) as ProxyStatus;
  expect(applied.telemetry).toMatchObject({ endpoint: `${envReceiver.url}/v1/traces` });
  expect(applied.telemetrySettings?.fromEnvironment).toEqual([
    'endpoint',
    'tracesEndpoint',
    'metricsEndpoint',
    'serviceName',
  ]);
  await chat(applied.proxyUrl as string);
  await vi.waitFor(() => expect(envReceiver.spans, 'a span at the environment’s endpoint').toHaveLength(1), {
    timeout: 10_000,
    interval: 20,
  });
  expect(envReceiver.spans[0]?.resource).toMatchObject({ 'service.name': 'from-env', team: 'ml' });
  expect(dialog.spans).toHaveLength(0);
});
