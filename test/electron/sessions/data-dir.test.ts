/**
 * The data directory: one that cannot be created never stops the proxy (capture is off, said in
 * one line and in the status), and what Tokentap writes there is its user's alone (700/600).
 */
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { InspectorService } from '../../../electron/inspector-service.ts';
import { streamWriter, writeExport, writeExportFile } from '../../../electron/sessions/export-writer.ts';
import type { ProxyStatus } from '../../../shared/contract/inspector-contract.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { startHeadlessProcess } from '../../support/headless-process.ts';
import { sampleRecords } from '../../support/sample-records.ts';

const TOKEN = 'data-dir-token';
let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream({ record: false });
  upstream.respond('POST /v1/chat/completions', {
    body: JSON.stringify({ id: 'x', object: 'chat.completion', choices: [], model: 'gpt-4o' }),
    headers: { 'content-type': 'application/json' },
  });
});
afterAll(() => upstream.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokentap-datadir-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The inspector service on a data directory, forwarding to the fake upstream. */
const startService = (dataDir: string) =>
  InspectorService.start({
    dataDir,
    env: { UPSTREAM: upstream.url, LISTEN_ADDR: '127.0.0.1:0' },
    headersTimeoutMs: 10_000,
    log: () => {},
  });

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('an unwritable data directory', () => {
  it('starts the proxy anyway, with capture off, one clear line and the status saying so', async () => {
    // As root no chmod stops a write: a path under a regular file can never be created.
    await writeFile(join(dir, 'file'), 'not a directory');
    const app = await startHeadlessProcess({
      TOKENTAP_DATA_DIR: join(dir, 'file', 'sub'),
      UPSTREAM: upstream.url,
      TOKENTAP_TOKEN: TOKEN,
    });
    try {
      const res = await request(`${app.proxyUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({ object: 'chat.completion' });
      const offLines = app
        .output()
        .split('\n')
        .filter((line) => /capture is OFF/.test(line));
      expect(offLines).toHaveLength(1);
      expect(offLines[0]).toMatch(/ENOTDIR/);
      const auth = { authorization: `Bearer ${TOKEN}` };
      const status = (await (
        await request(`${app.uiUrl}/api/status`, { headers: auth })
      ).body.json()) as ProxyStatus;
      expect(status.listening).toBe(true);
      expect(status.capture).toMatchObject({ state: 'off', error: expect.stringContaining('ENOTDIR') });
      // Listed in flight until its record reaches the main thread (a few ms), then nowhere: not written.
      await vi.waitFor(
        async () => {
          const list = await request(`${app.uiUrl}/api/exchanges`, { headers: auth });
          expect(list.statusCode).toBe(200);
          expect(await list.body.json()).toEqual([]);
        },
        { timeout: 5000, interval: 20, message: 'waiting for the unrecorded exchange to leave the list' },
      );
      const sessions = await request(`${app.uiUrl}/api/sessions`, { headers: auth });
      expect(sessions.statusCode).toBe(200);
    } finally {
      app.child.kill('SIGTERM');
      expect((await app.exited).code).toBe(0);
    }
  }, 20_000);
});

describe('file modes', () => {
  it('makes the data directory 700 and every file Tokentap writes 600, and narrows an existing 755 directory', async () => {
    const previous = process.umask(0o022);
    const data = join(dir, 'data');
    // An older version's folder: 755, as mkdir makes it under umask 022.
    await mkdir(join(data, 'sessions'), { recursive: true });
    await chmod(data, 0o755);
    await chmod(join(data, 'sessions'), 0o755);
    const service = await startService(data);
    try {
      const h = service.handlers;
      const res = await request(`${service.proxy?.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
      });
      await res.body.text();
      await h['settings.update']({ listenAddr: '127.0.0.1:0', upstream: upstream.url });
      await h['import.load']({ name: 'x.jsonl', content: recordsToJsonl(sampleRecords().slice(0, 2)) });
      const exported = join(data, 'export.jsonl');
      await writeExportFile(exported, (out) => writeExport('jsonl', sampleRecords(), streamWriter(out)));
      await h['exchanges.get']('none', null); // flushes the current session

      expect(await modeOf(data)).toBe(0o700);
      expect(await modeOf(join(data, 'sessions'))).toBe(0o700);
      const files = [
        join(data, 'settings.json'),
        exported,
        ...(await readdir(join(data, 'sessions')))
          .filter((n) => !n.endsWith('.sock'))
          .map((n) => join(data, 'sessions', n)),
      ];
      // Current session (data, index, search sidecar, lock) and the import (data, index, search sidecar).
      expect(files.length).toBe(2 + 7);
      for (const file of files) expect([file, await modeOf(file)]).toEqual([file, 0o600]);
    } finally {
      await service.close();
      process.umask(previous);
    }
  });

  it('creates a missing data directory 700', async () => {
    const previous = process.umask(0o022);
    const data = join(dir, 'new', 'data');
    const service = await startService(data);
    try {
      expect(await modeOf(data)).toBe(0o700);
      expect(await modeOf(join(data, 'sessions'))).toBe(0o700);
    } finally {
      await service.close();
      process.umask(previous);
    }
  });
});
