/**
 * A full disk: forwarding goes on, the status says capture is failing and why, the list shows
 * what is on disk (never a torn line), and capture resumes by itself once space is freed.
 * Two ways: a real 1 MiB tmpfs filled to the last byte (needs root to mount; skipped loudly
 * otherwise), and the real writer over files whose writes fail with the OS's own ENOSPC (a write
 * to /dev/full) for a while.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { finishExchange } from '../../../electron/capture/finished-exchange.ts';
import { InspectorService } from '../../../electron/inspector-service.ts';
import { loadIndex, readRecords } from '../../../electron/sessions/session-index.ts';
import {
  type OpenForAppend,
  SessionWriter,
  type WriterFile,
  type WriterHealth,
} from '../../../electron/sessions/session-writer.ts';
import { isEnded } from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { sampleRecords } from '../../support/sample-records.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';

/** A real ENOSPC error object, from the OS: /dev/full refuses every write with it. */
async function realEnospc(): Promise<Error> {
  const full = await open('/dev/full', 'w');
  try {
    await full.write(Buffer.from('x'));
  } catch (error) {
    return error as Error;
  } finally {
    await full.close();
  }
  throw new Error('/dev/full took a write');
}

/** Every line of a file is a whole JSON record (no torn line left for a reader). */
async function wholeLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  expect(text === '' || text.endsWith('\n'), 'the file ends with a whole line').toBe(true);
  const lines = text.split('\n').filter((l) => l !== '');
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  return lines;
}

describe('the session writer while writes fail', () => {
  it('cuts a short write back, keeps the batch, retries, and writes it all once the disk takes it', async () => {
    if (process.platform !== 'linux') return console.warn('SKIPPED: needs /dev/full for a real ENOSPC');
    const enospc = await realEnospc();
    expect((enospc as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const dir = await mkdtemp(join(tmpdir(), 'tokentap-enospc-'));
    let failing = 3;
    let torn = false;
    // The real file, with its writes failing as a full disk fails them: first half a write, then ENOSPC.
    const openFile: OpenForAppend = async (path) => {
      const file = await open(path, 'a');
      const faulty: WriterFile = {
        write: async (buffer, offset, length) => {
          if (failing > 0 && path.endsWith('s.jsonl')) {
            failing--;
            // As the kernel does: the space there was taken by a short write, then ENOSPC.
            if (!torn) {
              torn = true;
              return file.write(buffer, offset, Math.floor(length / 2));
            }
            throw enospc;
          }
          return file.write(buffer, offset, length);
        },
        truncate: (length) => file.truncate(length),
        stat: () => file.stat(),
        close: () => file.close(),
      };
      return faulty;
    };
    const written: string[] = [];
    const healths: WriterHealth[] = [];
    const dataPath = join(dir, 's.jsonl');
    const writer = await SessionWriter.open(
      dataPath,
      join(dir, 's.index.jsonl'),
      {
        written: (entries) => written.push(...entries.map((e) => e.summary.id)),
        health: (h) => healths.push(h),
      },
      { openFile },
    );
    try {
      const records = sampleRecords().slice(0, 4);
      for (const record of records) writer.append(finishExchange(record));
      await writer.flush();
      expect(healths[0]).toMatchObject({ state: 'failing', error: expect.stringContaining('ENOSPC') });
      expect(written).toEqual([]);
      // The half-written line was cut back: a reader finds nothing torn.
      expect(await wholeLines(dataPath)).toEqual([]);
      // Records appended while failing wait behind the failed batch.
      const late = { ...(sampleRecords()[0] as ExchangeRecord), id: 'late', seq: 99 };
      writer.append(finishExchange(late));
      await vi.waitFor(() => expect(writer.health.state, 'writes to work again').toBe('ok'), {
        timeout: 10_000,
      });
      expect(written).toEqual([...records.map((r) => r.id), 'late']);
      expect((await wholeLines(dataPath)).map((l) => (JSON.parse(l) as ExchangeRecord).id)).toEqual(written);
      const { entries, warnings } = await loadIndex(dataPath, join(dir, 's.index.jsonl'));
      expect(warnings).toEqual([]);
      expect(entries.map((e) => e.summary.id)).toEqual(written);
      expect(healths.at(-1)).toEqual({ state: 'ok', lost: 0 });
    } finally {
      await writer.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the session writer while writes fail, with message blocks', () => {
  it('writes the blocks of a failed batch with it when it is retried, each once, and every body reads back whole', async () => {
    if (process.platform !== 'linux') return console.warn('SKIPPED: needs /dev/full for a real ENOSPC');
    const enospc = await realEnospc();
    const dir = await mkdtemp(join(tmpdir(), 'tokentap-enospc-blocks-'));
    let failing = 2;
    const openFile: OpenForAppend = async (path) => {
      const file = await open(path, 'a');
      return {
        write: async (buffer, offset, length) => {
          if (failing > 0 && path.endsWith('s.jsonl')) {
            failing--;
            if (failing === 1) return file.write(buffer, offset, Math.floor(length / 2));
            throw enospc;
          }
          return file.write(buffer, offset, length);
        },
        truncate: (length) => file.truncate(length),
        stat: () => file.stat(),
        close: () => file.close(),
      };
    };
    const dataPath = join(dir, 's.jsonl');
    const indexPath = join(dir, 's.index.jsonl');
    const writer = await SessionWriter.open(
      dataPath,
      indexPath,
      { written: () => undefined, health: () => undefined },
      { openFile },
    );
    try {
      // One conversation re-sent and growing, turn after turn.
      const base = sampleRecords()[0] as ExchangeRecord;
      const messages: Array<{ role: string; content: string }> = [];
      const records = Array.from({ length: 4 }, (_, turn) => {
        messages.push({ role: 'user', content: `turn ${turn} ${'re-sent text. '.repeat(300)}` });
        const body = JSON.stringify({ model: 'gpt-4o', messages });
        return { ...base, id: `turn-${turn}`, seq: turn + 1, request: { ...base.request, body } };
      });
      for (const record of records.slice(0, 3)) writer.append(finishExchange(record));
      await writer.flush();
      expect(writer.health.state).toBe('failing');
      writer.append(finishExchange(records[3] as ExchangeRecord));
      await vi.waitFor(() => expect(writer.health.state, 'writes to work again').toBe('ok'), {
        timeout: 10_000,
      });
      const lines = await wholeLines(dataPath);
      const blockLines = lines.filter((l) => l.startsWith('{"block":'));
      // Four turns, one new message each: four blocks, each written once.
      expect(blockLines).toHaveLength(4);
      const { entries, blocks, warnings } = await loadIndex(dataPath, indexPath);
      expect(warnings).toEqual([]);
      const read: string[] = [];
      for await (const record of readRecords(dataPath, entries, blocks)) read.push(record.request.body);
      expect(read).toEqual(records.map((r) => r.request.body));
    } finally {
      await writer.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a real full disk (tmpfs)', () => {
  let mount = '';
  let mounted = false;
  let upstream: FakeUpstream;
  beforeAll(async () => {
    mount = await mkdtemp(join(tmpdir(), 'tokentap-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount], { stdio: 'pipe' });
      mounted = true;
    } catch (error) {
      console.warn(`SKIPPED the tmpfs test: cannot mount a tmpfs here (${String(error)})`);
    }
    upstream = await startFakeUpstream({ record: false });
    upstream.respond('POST /v1/chat/completions', {
      body: JSON.stringify({ id: 'x', object: 'chat.completion', choices: [], model: 'gpt-4o' }),
      headers: { 'content-type': 'application/json' },
    });
  });
  afterAll(async () => {
    await upstream.close();
    if (mounted) execFileSync('umount', [mount]);
    await rm(mount, { recursive: true, force: true });
  });

  it('forwards, says capture fails with ENOSPC, lists what is on disk, and resumes once space is freed', async (context) => {
    if (!mounted) return context.skip();
    const logs: string[] = [];
    const service = await InspectorService.start({
      dataDir: join(mount, 'data'),
      env: { UPSTREAM: upstream.url, LISTEN_ADDR: '127.0.0.1:0' },
      headersTimeoutMs: 10_000,
      log: (m) => logs.push(m),
    });
    const h = service.handlers;
    const proxyUrl = service.proxy?.url as string;
    const send = async (user: string) => {
      const res = await request(`${proxyUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o',
          user,
          messages: [{ role: 'user', content: 'x'.repeat(3000) }],
        }),
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({ object: 'chat.completion' });
    };
    const filler = join(mount, 'filler');
    try {
      for (let i = 0; i < 3; i++) await send(`before-${i}`);
      await waitForStored(h, 3);
      // Every byte the tmpfs has left, taken.
      await writeFile(filler, Buffer.alloc(2 * 1024 * 1024)).catch((error: NodeJS.ErrnoException) =>
        expect(error.code).toBe('ENOSPC'),
      );
      for (let i = 0; i < 10; i++) await send(`during-${i}`);
      await vi.waitFor(
        async () =>
          expect((await h['status.get']()).capture, 'the status to say capture fails').toMatchObject({
            state: 'failing',
            error: expect.stringContaining('ENOSPC'),
          }),
        { timeout: 10_000 },
      );
      const status = await h['status.get']();
      const dataPath = join(mount, 'data', 'sessions', `${status.session.id}.jsonl`);
      // What is listed as ended is what is on disk (an exchange in flight is listed from memory),
      // each one opens, and nothing half-written is there.
      const listed = (await h['exchanges.list'](null)).filter(isEnded);
      const lines = await wholeLines(dataPath);
      expect(listed.map((s) => s.id)).toEqual(lines.map((l) => (JSON.parse(l) as ExchangeRecord).id));
      expect(status.session.exchanges).toBe(listed.length);
      for (const summary of listed) expect(await h['exchanges.get'](summary.id, null)).not.toBeNull();
      expect(logs.join('\n')).toMatch(/cannot write session .*ENOSPC/);

      await rm(filler);
      await vi.waitFor(
        async () =>
          expect((await h['status.get']()).capture?.state, 'capture to resume by itself').toBe('ok'),
        { timeout: 15_000 },
      );
      await send('after');
      await waitForStored(h, 14);
      const users = (await wholeLines(dataPath)).map(
        (l) =>
          (JSON.parse((JSON.parse(l) as ExchangeRecord).request.body as string) as { user: string }).user,
      );
      expect(users).toEqual([
        ...[0, 1, 2].map((i) => `before-${i}`),
        ...Array.from({ length: 10 }, (_, i) => `during-${i}`),
        'after',
      ]);
      const { entries, warnings } = await loadIndex(dataPath, dataPath.replace(/\.jsonl$/, '.index.jsonl'));
      expect(warnings).toEqual([]);
      expect(entries).toHaveLength(14);
    } finally {
      await rm(filler, { force: true });
      await service.close();
    }
  }, 40_000);
});
