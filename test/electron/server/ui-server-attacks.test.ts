/**
 * The UI server attacked as a security reviewer would, over real HTTP, WebSocket and raw sockets:
 * `Origin: null`, the token in a query string, download tickets, session ids that name other
 * files, cross-site simple POSTs, Host variants, oversized bodies and a slow header trickle.
 */
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachmentDisposition } from '../../../electron/server/content-disposition.ts';
import { DEFAULT_TICKET_TTL_MS } from '../../../electron/server/download-tickets.ts';
import type { ProxyStatus, SessionInfo } from '../../../shared/contract/inspector-contract.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../../support/headless-harness.ts';
import { jsonRecord } from '../../support/sample-records.ts';
import { webSocketOutcome } from '../../support/websocket-outcome.ts';

let h: HeadlessHarness;
let clock = 1_000_000;
beforeEach(async () => {
  clock = 1_000_000;
  h = await startHeadlessHarness(undefined, { tickets: { now: () => clock }, headersTimeoutMs: 300 });
});
afterEach(async () => {
  await h.close();
});

const port = () => Number(new URL(h.ui.url).port);
const bearer = { authorization: `Bearer ${UI_TOKEN}` };

/** One raw request: any Host, any headers, the body written as given; resolves with the status. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: Buffer | string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${h.ui.url}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function currentSession(): Promise<SessionInfo> {
  return ((await (await h.api('/api/status')).json()) as ProxyStatus).session;
}

describe('origins and hosts', () => {
  it('refuses Origin: null (a sandboxed iframe) over HTTP and WebSocket', async () => {
    expect((await h.api('/api/status', { headers: { origin: 'null' } })).status).toBe(403);
    expect((await raw('GET', '/', { origin: 'null' })).status).toBe(403);
    const wsUrl = `${h.ui.url.replace('http', 'ws')}/api/events?token=${UI_TOKEN}`;
    expect(await webSocketOutcome(wsUrl, 'null')).toBe('403');
    expect(await webSocketOutcome(wsUrl, h.ui.url)).toBe('open');
  });

  it.each([
    ['127.0.0.1.evil.com:{port}', 403],
    ['localhost.:{port}', 403],
    ['127.0.0.1', 403],
    ['127.0.0.1:{port}@evil.com', 403],
    ['evil.com:{port}', 403],
    ['LOCALHOST:{port}', 200],
    ['[::1]:{port}', 200],
  ])('Host %s gets %i', async (host, status) => {
    const headers = { ...bearer, host: host.replace('{port}', String(port())) };
    expect((await raw('GET', '/api/status', headers)).status).toBe(status);
  });

  it('refuses an empty Host', async () => {
    const answer = await rawHead(
      `GET /api/status HTTP/1.1\r\nHost: \r\nAuthorization: Bearer ${UI_TOKEN}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
  });

  it.each([
    ['http://127.0.0.1:{port}.evil.com', 403],
    ['http://127.0.0.1.evil.com:{port}', 403],
    ['http://localhost:{port}', 200],
  ])('Origin %s gets %i', async (origin, status) => {
    const headers = { ...bearer, origin: origin.replace('{port}', String(port())) };
    expect((await raw('GET', '/api/status', headers)).status).toBe(status);
  });
});

describe('the token', () => {
  it('works only as a header for the API; the live feed alone still takes it in the query', async () => {
    expect((await fetch(`${h.ui.url}/api/status?token=${UI_TOKEN}`)).status).toBe(401);
    expect((await fetch(`${h.ui.url}/api/export?format=jsonl&token=${UI_TOKEN}`)).status).toBe(401);
    expect((await h.api('/api/export?format=jsonl')).status).toBe(200);
    expect(await webSocketOutcome(`${h.ui.url.replace('http', 'ws')}/api/events?token=${UI_TOKEN}`)).toBe(
      'open',
    );
  });

  it('gives single-use download tickets that expire, and only to the token', async () => {
    const body = JSON.stringify({ format: 'har', session: null, ids: null });
    const ask = (headers: Record<string, string>) =>
      fetch(`${h.ui.url}/api/export/ticket`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    expect((await ask({})).status).toBe(401);
    const answer = await ask(bearer);
    expect(answer.status).toBe(201);
    const { ticket, expiresAt } = (await answer.json()) as { ticket: string; expiresAt: number };
    expect(ticket).not.toContain(UI_TOKEN);
    expect(expiresAt).toBe(clock + DEFAULT_TICKET_TTL_MS);

    const download = await fetch(`${h.ui.url}/api/export?ticket=${ticket}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="tokentap-.*\.har"/);
    expect(((await download.json()) as { log: unknown }).log).toBeDefined();
    expect((await fetch(`${h.ui.url}/api/export?ticket=${ticket}`)).status).toBe(403);
    expect((await fetch(`${h.ui.url}/api/export?ticket=made-up`)).status).toBe(403);

    const late = ((await (await ask(bearer)).json()) as { ticket: string }).ticket;
    clock += DEFAULT_TICKET_TTL_MS;
    expect((await fetch(`${h.ui.url}/api/export?ticket=${late}`)).status).toBe(403);
  });
});

describe('session ids are matched exactly', () => {
  it('never deletes the live session or its index, whatever the id says', async () => {
    const current = await currentSession();
    const index = join(h.dataDir, 'sessions', `${current.id}.index.jsonl`);
    expect(existsSync(index)).toBe(true);
    for (const id of [
      `${current.id}.index`,
      current.id,
      `${current.id}%2F..%2F${current.id}.index`,
      `${current.id}.`,
      '..%2Fsettings',
    ]) {
      expect((await h.api(`/api/sessions/${id}`, { method: 'DELETE' })).status, id).toBe(400);
    }
    expect(existsSync(index)).toBe(true);
    expect(existsSync(join(h.dataDir, 'sessions', `${current.id}.jsonl`))).toBe(true);
  });

  it('refuses a session parameter that is not exactly an id on every route that takes one', async () => {
    const current = await currentSession();
    for (const bad of [`${current.id}.index`, '../sessions', `${current.id}/`, 'x'.repeat(300)]) {
      const q = `session=${encodeURIComponent(bad)}`;
      expect((await h.api(`/api/exchanges?${q}`)).status, bad).toBe(400);
      expect((await h.api(`/api/exchanges/some-id?${q}`)).status, bad).toBe(400);
      expect((await h.api(`/api/usage?${q}`)).status, bad).toBe(400);
      expect((await h.api(`/api/export?format=jsonl&${q}`)).status, bad).toBe(400);
      const post = (path: string, body: unknown) =>
        h.api(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post('/api/export', { format: 'jsonl', session: bad, ids: [] })).status, bad).toBe(400);
      expect((await post('/api/export/ticket', { format: 'jsonl', session: bad, ids: null })).status).toBe(
        400,
      );
    }
    expect((await h.api(`/api/exchanges/${'x'.repeat(300)}`)).status).toBe(400);
    expect((await h.api('/api/exchanges/%E0%A4%A')).status).toBe(400);
  });

  it('names an import by a safe slug, whatever the file is called', async () => {
    const name = '../../evil\r\n"; x.har';
    const res = await h.api(`/api/import?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(jsonRecord())}\n`,
    });
    expect(res.status).toBe(201);
    const { session } = (await res.json()) as { session: SessionInfo };
    expect(session.id).toMatch(/-evil-x$/);
    expect(existsSync(join(h.dataDir, 'sessions', `${session.id}.jsonl`))).toBe(true);
  });
});

describe('request bodies', () => {
  it('refuses cross-site simple bodies (text/plain, forms) on every body-taking route', async () => {
    for (const [method, path] of [
      ['PUT', '/api/settings'],
      ['POST', '/api/capture'],
      ['POST', '/api/replay'],
      ['POST', '/api/export'],
      ['POST', '/api/export/ticket'],
      ['POST', '/api/exchanges/x/resend'],
      ['POST', '/api/import?name=a.jsonl'],
    ] as const) {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const res = await raw(method, path, { ...bearer, 'content-type': type }, '{"paused":true}');
        expect(res.status, `${method} ${path} ${type}`).toBe(415);
      }
    }
    expect(((await (await h.api('/api/status')).json()) as ProxyStatus).capturePaused).toBe(false);
  });

  it('refuses a body over its route limit from Content-Length alone, and mid-stream', async () => {
    for (const [method, path, limit] of [
      ['PUT', '/api/settings', 64 * 1024],
      ['POST', '/api/capture', 64 * 1024],
      ['POST', '/api/replay', 64 * 1024],
      ['POST', '/api/export', 64 * 1024 * 1024],
      ['POST', '/api/export/ticket', 64 * 1024 * 1024],
      ['POST', '/api/exchanges/x/resend', 64 * 1024 * 1024],
      ['POST', '/api/import', 512 * 1024 * 1024],
    ] as const) {
      // Headers only: the answer must come without the server waiting for (or buffering) the bytes.
      const answer = await rawHead(
        `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nAuthorization: Bearer ${UI_TOKEN}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${limit + 1}\r\n\r\n`,
      );
      expect(answer, `${method} ${path}`).toMatch(/^HTTP\/1\.1 413/);
    }
    // Chunked, no length: refused once the bytes pass the limit.
    const streamed = await raw(
      'PUT',
      '/api/settings',
      { ...bearer, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      Buffer.alloc(64 * 1024 + 10, 0x20),
    );
    expect(streamed.status).toBe(413);
    expect((await h.api('/api/status')).status).toBe(200);
  });
});

/** Writes `head` on a raw socket and resolves with the first bytes of the answer. */
function rawHead(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port(), '127.0.0.1', () => socket.write(head));
    socket.once('data', (data) => {
      resolve(data.toString('latin1'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('slow and odd clients', () => {
  it('closes a connection that trickles its headers (slowloris)', async () => {
    const socket = connect(port(), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nX-A: `);
    const closed = new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (d: Buffer) => {
        answer += d.toString('latin1');
      });
      socket.once('close', () => resolve(answer));
    });
    // Keeps trickling, as slowloris does, until the server gives up on it.
    const trickle = setInterval(() => socket.writable && socket.write('a'), 20);
    const answer = await closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('holds at most 256 connections, so a flood cannot use up the process file handles', async () => {
    const own = await startHeadlessHarness();
    const ownPort = Number(new URL(own.ui.url).port);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(ownPort, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    const flood: Socket[] = [];
    try {
      for (let i = 0; i < 256; i++) flood.push(await open());
      await vi.waitFor(() => expect(own.ui.connectionCount(), 'the flood accepted').toBe(256));
      const extra = await open();
      await new Promise((resolve) => {
        extra.once('close', resolve);
        extra.on('error', () => undefined);
      });
      for (const socket of flood.splice(0, 10)) socket.destroy();
      await vi.waitFor(() => expect(own.ui.connectionCount(), 'ten let go').toBe(246));
      expect((await own.api('/api/status')).status).toBe(200);
    } finally {
      for (const socket of flood) socket.destroy();
      await own.close();
    }
  });

  it.each([
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/%E0%A4%A',
    '/index.html%00.js',
  ])('serves nothing outside the UI for %s', async (path) => {
    const res = await raw('GET', path, {});
    expect(res.body).not.toContain('root:');
    expect([400, 403, 503]).toContain(res.status);
  });

  it('makes a Content-Disposition no file name can break out of', () => {
    const header = attachmentDisposition('a"\r\nSet-Cookie: x=1; \\é日本.har');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(/^attachment; filename="a___Set-Cookie: x=1; ____.har"; filename\*=UTF-8''/);
    expect(decodeURIComponent(header.split("UTF-8''")[1] ?? '')).toBe('a"\r\nSet-Cookie: x=1; \\é日本.har');
    expect(attachmentDisposition('\ud800.jsonl')).toMatch(
      /^attachment; filename="_.jsonl"; filename\*=UTF-8''%EF%BF%BD\.jsonl$/,
    );
  });
});
