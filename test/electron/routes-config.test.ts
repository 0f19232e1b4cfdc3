/**
 * Where routes come from: `TOKENTAP_ROUTES`, saved settings (the environment wins, as for
 * `UPSTREAM`), the settings dialog's update; bad entries are one clear error naming the entry;
 * auto-detection only while UPSTREAM is unset. Run through the real InspectorService and proxy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorService } from '../../electron/inspector-service.ts';
import { buildRouteTable, parseRoutes } from '../../electron/proxy/routes.ts';
import { parseUpstream } from '../../electron/proxy/upstream-target.ts';
import { proxyConfigFromEnv } from '../../electron/proxy-config.ts';
import { loadSettings } from '../../electron/settings-store.ts';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.ts';

describe('parseRoutes', () => {
  it('reads name=url pairs, spaces and empty entries tolerated', () => {
    expect(parseRoutes(' groq=https://api.groq.com/openai , ,openai=http://127.0.0.1:9000')).toEqual([
      { name: 'groq', url: 'https://api.groq.com/openai' },
      { name: 'openai', url: 'http://127.0.0.1:9000' },
    ]);
    expect(parseRoutes('')).toEqual([]);
  });

  it('one clear error naming the entry: no =, a bad name, a URL that is not http(s), a duplicate', () => {
    expect(() => parseRoutes('groq')).toThrow('route "groq": expected name=url');
    expect(() => parseRoutes('Groq=https://x.test')).toThrow(
      /route "Groq=https:\/\/x.test": the name "Groq"/,
    );
    expect(() => parseRoutes('a/b=https://x.test')).toThrow(/the name "a\/b" must be a path segment/);
    expect(() => parseRoutes('x=ftp://x.test')).toThrow(/route "x=ftp:\/\/x.test": .*only http and https/);
    expect(() => parseRoutes('x=not a url')).toThrow(/route "x=not a url": Invalid upstream/);
    expect(() => parseRoutes('x=http://a.test,x=http://b.test')).toThrow(
      'route "x=http://b.test": "x" is given twice',
    );
    expect(() => parseRoutes('upstream=http://a.test')).toThrow(/"upstream" names the default/);
  });

  it('TOKENTAP_ROUTES errors name the variable; auto-detection only while UPSTREAM is unset', () => {
    expect(() => proxyConfigFromEnv({ TOKENTAP_ROUTES: 'x=ftp://x' })).toThrow(
      /^TOKENTAP_ROUTES: route "x=ftp:\/\/x"/,
    );
    expect(proxyConfigFromEnv({}).autoDetect).toBe(true);
    expect(proxyConfigFromEnv({ UPSTREAM: 'http://127.0.0.1:8000' }).autoDetect).toBe(false);
    expect(proxyConfigFromEnv({ TOKENTAP_ROUTES: 'groq=https://api.groq.com/openai' }).routes).toEqual([
      { name: 'groq', url: 'https://api.groq.com/openai' },
    ]);
  });
});

describe('the route table', () => {
  const table = buildRouteTable(
    parseUpstream('http://127.0.0.1:8000'),
    parseRoutes('groq=https://api.groq.com/openai,openai=http://127.0.0.1:9000'),
    false,
  );

  it('built-ins, overridden and extended; prefixes stripped, the target prefix added', () => {
    expect(table.list()).toEqual([
      { name: 'openai', url: 'http://127.0.0.1:9000' },
      { name: 'anthropic', url: 'https://api.anthropic.com' },
      { name: 'gemini', url: 'https://generativelanguage.googleapis.com' },
      { name: 'ollama', url: 'http://127.0.0.1:11434' },
      { name: 'groq', url: 'https://api.groq.com/openai' },
    ]);
    expect(table.resolve('/groq/v1/chat/completions?x=1', {})).toMatchObject({
      provider: 'groq',
      path: '/openai/v1/chat/completions?x=1',
      prefix: '/groq',
    });
    expect(table.resolve('/v1/messages', { 'anthropic-version': '2023-06-01' })).toMatchObject({
      provider: 'upstream',
      path: '/v1/messages',
    });
  });

  it('an Azure UPSTREAM keeps its own /openai/… paths (the built-in openai route stands aside)', () => {
    const azure = buildRouteTable(parseUpstream('https://res.openai.azure.com'), [], false);
    expect(azure.resolve('/openai/deployments/d/chat/completions?api-version=1', {})).toMatchObject({
      provider: 'upstream',
      path: '/openai/deployments/d/chat/completions?api-version=1',
    });
    expect(azure.resolve('/anthropic/v1/messages', {}).provider).toBe('anthropic');
  });
});

describe('routes through the InspectorService', () => {
  let dataDir: string;
  let service: InspectorService | null = null;
  const upstreams: FakeUpstream[] = [];
  afterEach(async () => {
    await service?.close();
    service = null;
    for (const upstream of upstreams.splice(0)) await upstream.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function fake(name: string): Promise<FakeUpstream> {
    const upstream = await startFakeUpstream();
    upstream.respond('*', { status: 200, headers: { 'content-type': 'text/plain' }, body: name });
    upstreams.push(upstream);
    return upstream;
  }

  async function start(env: NodeJS.ProcessEnv, saved?: object): Promise<InspectorService> {
    dataDir = await mkdtemp(join(tmpdir(), 'tokentap-routes-'));
    if (saved) await writeFile(join(dataDir, 'settings.json'), JSON.stringify(saved));
    service = await InspectorService.start({
      dataDir,
      env: { LISTEN_ADDR: '127.0.0.1:0', ...env },
      headersTimeoutMs: 10_000,
      log: () => undefined,
    });
    return service;
  }

  async function send(path: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await request(`${service?.proxy?.url}${path}`, { method: 'POST', headers, body: '{}' });
    return res.body.text();
  }

  it('UPSTREAM unset: Anthropic requests without a prefix go to the anthropic route', async () => {
    const anthropic = await fake('anthropic');
    const s = await start({ TOKENTAP_ROUTES: `anthropic=${anthropic.url}` });
    const status = await s.handlers['status.get']();
    expect(status.autoDetect).toBe(true);
    expect(status.routeList).toContainEqual({ name: 'anthropic', url: anthropic.url });
    expect(await send('/v1/messages')).toBe('anthropic');
    expect(anthropic.requests.map((r) => r.url)).toEqual(['/v1/messages']);
  });

  it('UPSTREAM set: the same request goes to UPSTREAM', async () => {
    const anthropic = await fake('anthropic');
    const upstream = await fake('upstream');
    const s = await start({ UPSTREAM: upstream.url, TOKENTAP_ROUTES: `anthropic=${anthropic.url}` });
    expect((await s.handlers['status.get']()).autoDetect).toBe(false);
    expect(await send('/v1/messages', { 'anthropic-version': '2023-06-01' })).toBe('upstream');
    expect(await send('/anthropic/v1/messages')).toBe('anthropic');
  });

  it('saved routes apply; TOKENTAP_ROUTES wins over them', async () => {
    const saved = await fake('saved');
    const fromEnv = await fake('env');
    expect((await loadSettings('/nonexistent', { TOKENTAP_ROUTES: 'a=http://x.test' })).routes).toBe(
      'a=http://x.test',
    );
    let s = await start({}, { routes: `groq=${saved.url}` });
    expect(await send('/groq/v1/chat/completions')).toBe('saved');
    await s.close();
    await rm(dataDir, { recursive: true, force: true });
    s = await start({ TOKENTAP_ROUTES: `groq=${fromEnv.url}` }, { routes: `groq=${saved.url}` });
    expect((await s.handlers['status.get']()).routes).toBe(`groq=${fromEnv.url}`);
    expect(await send('/groq/v1/chat/completions')).toBe('env');
    expect(saved.requests.length).toBe(1);
  });

  it('the settings dialog: routes saved and applied; a bad entry refused, the proxy left alone', async () => {
    const first = await fake('first');
    const second = await fake('second');
    const s = await start({ TOKENTAP_ROUTES: `mine=${first.url}` });
    const current = await s.handlers['status.get']();
    const settings = { listenAddr: '127.0.0.1:0', upstream: current.upstream };
    await expect(s.handlers['settings.update']({ ...settings, routes: 'mine=ftp://x' })).rejects.toThrow(
      /^Routes: route "mine=ftp:\/\/x": .*only http and https/,
    );
    expect(await send('/mine/x')).toBe('first');
    const updated = await s.handlers['settings.update']({ ...settings, routes: `mine=${second.url}` });
    expect(updated.routes).toBe(`mine=${second.url}`);
    expect(updated.routeList).toContainEqual({ name: 'mine', url: second.url });
    expect(await send('/mine/x?q=1')).toBe('second');
    expect(second.requests.map((r) => r.url)).toEqual(['/x?q=1']);
    expect((await loadSettings(dataDir, {})).routes).toBe(`mine=${second.url}`);
  });
});
