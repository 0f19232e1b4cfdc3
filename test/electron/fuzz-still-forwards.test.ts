/**
 * "No single request, frame or file can take the process down", as a property: the real headless
 * process (`node electron/headless.ts`, what `npm run serve` runs) in front of a local upstream
 * gets malformed HTTP requests on its proxy port, malformed WebSocket handshakes and frames on
 * its UI port and malformed records and files on its import API, all drawn from a seeded PRNG.
 * After every batch it must still be alive and still forward a normal request made with the
 * official `openai` SDK, byte for byte. A failure prints the seed: `FUZZ_SEED=<n>` reproduces it.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { recordsToHar } from '../../shared/export-formats/har-format.ts';
import { recordsToJsonl } from '../../shared/export-formats/jsonl-format.ts';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.ts';
import { readFixtureText } from '../support/fixtures.ts';
import { type HeadlessProcess, startHeadlessProcess } from '../support/headless-process.ts';
import { rawSocket, wsFrame, wsHandshake } from '../support/raw-websocket.ts';
import { sampleRecords } from '../support/sample-records.ts';
import { type SeededRandom, seededRandom } from '../support/seeded-random.ts';
import { TEST_API_KEY } from '../support/tokentap-harness.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
const TOKEN = 'fuzz-token-0123456789';
const ANSWER = readFixtureText('openai-chat-nonstream.json');
const CHROME_HAR = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'har', 'chrome-devtools.har'),
  'utf8',
);
/** How long one hostile connection may stay open before the test ends it itself (not a check). */
const GIVE_UP_MS = 3000;

let upstream: FakeUpstream;
let proc: HeadlessProcess;
let dataDir: string;
let openai: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream({ record: false });
  upstream.respond('POST /v1/chat/completions', { body: ANSWER });
  dataDir = await mkdtemp(join(tmpdir(), 'tokentap-fuzz-'));
  proc = await startHeadlessProcess({
    UPSTREAM: upstream.url,
    TOKENTAP_DATA_DIR: dataDir,
    TOKENTAP_TOKEN: TOKEN,
  });
  openai = new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${proc.proxyUrl}/v1`, maxRetries: 0 });
}, 30_000);

afterAll(async () => {
  if (proc && proc.child.exitCode === null) {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  await upstream?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const reproduction = (after: string) =>
  `after ${after}; reproduce with FUZZ_SEED=${SEED}\n--- process output ---\n${proc.output().slice(-4000)}`;

/** Runs a batch; any failure in it (the process gone, a refused connection) names the seed. */
async function batch(label: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)} ${reproduction(label)}`);
  }
}

/** Fails with the seed and the process's output when it died or stopped forwarding. */
async function stillForwards(after: string): Promise<void> {
  const reproduce = reproduction(after);
  expect(proc.child.exitCode, `the process exited ${reproduce}`).toBeNull();
  expect(proc.child.signalCode, `the process was killed ${reproduce}`).toBeNull();
  let text: string;
  try {
    const response = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'still there?' }] })
      .asResponse();
    text = await response.text();
  } catch (error) {
    throw new Error(`a normal request failed (${String(error)}) ${reproduce}`);
  }
  expect(text, `the answer changed ${reproduce}`).toBe(ANSWER);
}

/** Writes bytes to a fresh connection, then resets it or half-closes it and waits for the close. */
async function throwAt(url: string, bytes: Buffer, reset: boolean): Promise<void> {
  const socket = await rawSocket(url);
  socket.on('error', () => {});
  socket.resume();
  const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  if (reset) {
    socket.write(bytes.subarray(0, Math.max(1, bytes.length >> 1)), () => socket.resetAndDestroy());
  } else {
    socket.end(bytes);
  }
  const giveUp = setTimeout(() => socket.destroy(), GIVE_UP_MS);
  await done;
  clearTimeout(giveUp);
}

/** Runs `count` cases, `parallel` at a time. */
async function inParallel(count: number, parallel: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

// --- the proxy port ----------------------------------------------------------------------------

const printable = (r: SeededRandom, n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(32 + r.int(95))).join('');

function proxyRequest(r: SeededRandom): { name: string; bytes: Buffer } {
  const host = 'Host: 127.0.0.1\r\n';
  const cases: [string, () => string | Buffer][] = [
    ['random request line', () => Buffer.concat([r.bytes(1 + r.int(200)), Buffer.from('\r\n\r\n')])],
    [
      'bad request line',
      () =>
        `${r.pick(['GET', 'POST', 'G\0T', '', ' ', 'PO ST', 'CONNECT', 'PRI'])} ${r.pick(['/v1/x', '', '*', 'http://evil.example/', '/\0', '/%zz', `/${'a'.repeat(70_000)}`, '//evil/x'])} ${r.pick(['HTTP/1.1', 'HTTP/9.9', 'HTTP/1', '', 'HTTP/1.1 x', 'HTTP/2.0'])}\r\n${host}\r\n`,
    ],
    [
      'bad header bytes',
      () =>
        Buffer.concat([
          Buffer.from(`GET /v1/models HTTP/1.1\r\n${host}`),
          r.bytes(1 + r.int(100)),
          Buffer.from(r.pick([': x\r\n\r\n', '\r\n\r\n', '\n\n', '\r\n x\r\n\r\n'])),
        ]),
    ],
    [
      'bad chunked framing',
      () =>
        `POST /v1/chat/completions HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: ${r.pick(['chunked', 'chunked, chunked', 'gzip', ' chunked'])}\r\n\r\n${r.pick(['zz\r\nabc\r\n', 'ffffffffffffffffffff\r\n', '5\r\nabc', '3\r\nabcdef\r\n0\r\n\r\n', '-1\r\n', '0\r\nbad trailer\r\n\r\n', `3;${'x'.repeat(20_000)}\r\nabc\r\n0\r\n\r\n`, '2\r\n{}\r\n0\r\n\r\n'])}`,
    ],
    [
      'huge headers',
      () =>
        `GET /v1/models HTTP/1.1\r\n${host}x-big: ${'a'.repeat(r.pick([17_000, 100_000, 1 << 20]))}\r\n\r\n`,
    ],
    [
      'many headers',
      () =>
        `GET /v1/models HTTP/1.1\r\n${host}${Array.from({ length: 3000 }, (_, i) => `x-h${i}: ${i}\r\n`).join('')}\r\n`,
    ],
    [
      'truncated body',
      () =>
        `POST /v1/chat/completions HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: ${100 + r.int(10_000)}\r\n\r\n{"model":"gpt-4o","messages":[`,
    ],
    [
      'absurd content-length',
      () =>
        `POST /v1/chat/completions HTTP/1.1\r\n${host}Content-Length: ${r.pick(['99999999999999999999', '-5', '1e3', '12, 13', '0x10', ' ', '18446744073709551616'])}\r\n\r\n{}`,
    ],
    [
      'content-length and chunked',
      () =>
        `POST /v1/chat/completions HTTP/1.1\r\n${host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n${host}\r\n`,
    ],
    [
      'junk body, valid framing',
      () => {
        const body =
          r.next() < 0.5 ? r.bytes(r.int(5000)) : Buffer.from(`{"model":${printable(r, r.int(300))}`);
        const type = r.pick(['application/json', 'text/event-stream', 'application/x-ndjson', 'image/png']);
        const encoding = r.pick([
          '',
          'Content-Encoding: gzip\r\n',
          'Content-Encoding: br\r\n',
          'Content-Encoding: zstd\r\n',
        ]);
        return Buffer.concat([
          Buffer.from(
            `POST /v1/chat/completions?key=${printable(r, 8)} HTTP/1.1\r\n${host}Content-Type: ${type}\r\n${encoding}Authorization: Bearer sk-${printable(r, 10)}\r\nContent-Length: ${body.length}\r\n\r\n`,
          ),
          body,
        ]);
      },
    ],
    ['an upgrade the proxy does not relay', () => wsHandshake('127.0.0.1', '/v1/realtime')],
  ];
  const [name, make] = r.pick(cases);
  const made = make();
  return { name, bytes: typeof made === 'string' ? Buffer.from(made, 'latin1') : made };
}

// --- the UI port -------------------------------------------------------------------------------

function uiFrames(r: SeededRandom): { name: string; bytes: Buffer } {
  const auth = `Authorization: Bearer ${TOKEN}`;
  const host = new URL(proc.uiUrl).host;
  const handshakes: [string, () => string][] = [
    ['valid handshake', () => wsHandshake(host, '/api/events', [auth])],
    ['no token', () => wsHandshake(host, '/api/events')],
    ['wrong version', () => wsHandshake(host, '/api/events', [auth, 'Sec-WebSocket-Version: 99'])],
    [
      'bad key',
      () =>
        wsHandshake(host, '/api/events', [auth]).replace(
          /Sec-WebSocket-Key: .*\r\n/,
          'Sec-WebSocket-Key: abc\r\n',
        ),
    ],
    ['foreign host', () => wsHandshake('evil.example', '/api/events', [auth])],
    ['other path', () => wsHandshake(host, `/api/${printable(r, 5)}`, [auth])],
    [
      'random header',
      () => wsHandshake(host, '/api/events', [auth, `${printable(r, 10)}: ${printable(r, 20)}`]),
    ],
  ];
  const [handshakeName, handshake] = r.pick(handshakes);
  const frames: Buffer[] = [];
  for (let i = r.int(4); i >= 0; i--) {
    const payload = r.next() < 0.2 ? r.bytes(r.pick([126, 65_535, 70_000])) : r.bytes(r.int(130));
    frames.push(
      r.next() < 0.15
        ? r.bytes(1 + r.int(40))
        : wsFrame({
            opcode: r.int(16),
            payload,
            fin: r.next() < 0.8,
            masked: r.next() < 0.8,
            rsv: r.next() < 0.2 ? 1 + r.int(7) : 0,
            ...(r.next() < 0.1 && { announcedLength: r.pick([payload.length + 10, 2 ** 40, 2 ** 53]) }),
          }),
    );
  }
  return { name: handshakeName, bytes: Buffer.concat([Buffer.from(handshake(), 'latin1'), ...frames]) };
}

// --- the import API ----------------------------------------------------------------------------

const ODD_VALUES: unknown[] = [
  null,
  1,
  -1,
  0.5,
  'x',
  '',
  [],
  {},
  true,
  1e308,
  2 ** 64,
  -0,
  '\0',
  'a\r\nb: c',
];

/** Sets a random field somewhere in `value` to an odd value. */
function mutate(r: SeededRandom, value: unknown, depth = 0): unknown {
  if (depth > 0 && (r.next() < 0.25 || typeof value !== 'object' || value === null))
    return r.pick(ODD_VALUES);
  if (Array.isArray(value)) {
    if (value.length === 0) return [r.pick(ODD_VALUES)];
    const copy = [...value];
    const i = r.int(copy.length);
    copy[i] = mutate(r, copy[i], depth + 1);
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0 || r.next() < 0.1) {
      copy[r.pick(['bad name', ':status', 'x-ok', '__proto__', 'constructor'])] = r.pick(ODD_VALUES);
      return copy;
    }
    const key = r.pick(keys);
    if (r.next() < 0.1) delete copy[key];
    else copy[key] = mutate(r, copy[key], depth + 1);
    return copy;
  }
  return r.pick(ODD_VALUES);
}

function importFile(
  r: SeededRandom,
  records: readonly ExchangeRecord[],
): { name: string; file: string; content: string } {
  const jsonl = recordsToJsonl(records);
  const har = JSON.stringify(recordsToHar(records, { version: 'fuzz' }));
  const cases: [string, () => [string, string]][] = [
    ['truncated JSONL', () => ['t.jsonl', jsonl.slice(0, r.int(jsonl.length))]],
    ['truncated HAR', () => ['t.har', har.slice(0, r.int(har.length))]],
    ['mutated JSONL record', () => ['m.jsonl', `${JSON.stringify(mutate(r, r.pick(records)))}\n`]],
    ['mutated Tokentap HAR', () => ['m.har', JSON.stringify(mutate(r, JSON.parse(har)))]],
    ['mutated foreign HAR', () => ['c.har', JSON.stringify(mutate(r, JSON.parse(CHROME_HAR)))]],
    [
      'huge numbers',
      () => [
        'n.jsonl',
        jsonl.replace(/(?<=":)\d+(\.\d+)?/g, () =>
          r.pick(['1e400', '123456789012345678901234567890', '-1e400', '1e-400']),
        ),
      ],
    ],
    [
      'nested depth',
      () => ['d.jsonl', `${'['.repeat(r.pick([1000, 100_000]))}${']'.repeat(r.int(2) * 100_000)}`],
    ],
    [
      'nested request body',
      () => {
        const record = { ...r.pick(records), id: `deep-${r.int(1e9)}` };
        const depth = r.pick([1000, 20_000]);
        record.request = {
          ...record.request,
          body: `{"model":"m","x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        };
        return ['b.jsonl', recordsToJsonl([record])];
      },
    ],
    [
      'bad base64 and bad headers in a foreign HAR',
      () => {
        const chrome = JSON.parse(CHROME_HAR) as {
          log: { entries: Record<string, Record<string, unknown>>[] };
        };
        for (const entry of chrome.log.entries) {
          const content = entry.response?.content as Record<string, unknown> | undefined;
          if (content)
            Object.assign(content, {
              encoding: 'base64',
              text: r.pick(['!!!@@@', '=', 'a', printable(r, 50)]),
            });
          if (r.next() < 0.5)
            (entry.request as { headers: unknown[] }).headers.push({
              name: r.pick(['bad name', '', ':x', 'é']),
              value: 'v',
            });
        }
        return ['b.har', JSON.stringify(chrome)];
      },
    ],
    [
      'a response head Node cannot write',
      () => {
        const record = structuredClone(r.pick(records.filter((x) => x.response !== null)));
        const response = record.response as NonNullable<ExchangeRecord['response']>;
        const part = r.int(3);
        if (part === 0) record.status = r.pick([42, 0, 1000, -1, 99, 1]);
        if (part === 1)
          response.headers[r.pick(['bad name', 'x-ok', ':status', 'é'])] = r.pick([
            'a\r\nb: c',
            '\0',
            'ok',
            '€',
          ]);
        if (part === 2) record.id = r.pick(['a\nb', 'x\r\ny', '\0']);
        const file =
          r.next() < 0.5
            ? recordsToJsonl([record])
            : JSON.stringify(recordsToHar([record], { version: 'f' }));
        return [file.startsWith('{"log"') ? 'h.har' : 'h.jsonl', file];
      },
    ],
    ['random bytes', () => ['r.jsonl', r.bytes(r.int(2000)).toString('latin1')]],
  ];
  const [name, make] = r.pick(cases);
  const [file, content] = make();
  return { name, file, content };
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(proc.uiUrl + path, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...init.headers },
  });
}

/**
 * Imports a file; an import that was taken is also listed and exported, which reads every
 * record, and its session id is kept in `taken` for a replay.
 */
async function importAndRead(content: string, file: string, taken: string[]): Promise<number> {
  const response = await api(`/api/import?name=${file}`, { method: 'POST', body: content });
  const answer = (await response.json()) as { session?: { id: string } };
  if (response.status === 201 && answer.session) {
    const session = answer.session.id;
    taken.push(session);
    const list = await api(`/api/exchanges?session=${session}`);
    const ids = ((await list.json()) as { id: string }[]).map((s) => s.id);
    for (const id of ids.slice(0, 3))
      await (await api(`/api/exchanges/${encodeURIComponent(id)}?session=${session}`)).text();
    for (const format of ['har', 'jsonl'])
      await (await api(`/api/export?format=${format}&session=${session}`)).text();
  }
  return response.status;
}

/** Replays an imported session (with random faults) and sends its recorded requests through the proxy, then stops. */
async function replayImported(r: SeededRandom, session: string): Promise<void> {
  const faults = r.pick([
    [],
    ['drop-usage'],
    ['cut-after=1'],
    ['error-mid-stream'],
    ['rate-limit=1'],
    ['drop-usage', 'cut-after=3'],
  ]);
  const started = await api('/api/replay', {
    method: 'POST',
    body: JSON.stringify({ session, speed: r.pick([0, 0, 50]), fallthrough: r.next() < 0.3, faults }),
  });
  if (started.status !== 200) return;
  try {
    const list = (await (await api(`/api/exchanges?session=${session}`)).json()) as { id: string }[];
    for (const { id } of list.slice(0, 4)) {
      const record = (await (
        await api(`/api/exchanges/${encodeURIComponent(id)}?session=${session}`)
      ).json()) as ExchangeRecord;
      const controller = new AbortController();
      const giveUp = setTimeout(() => controller.abort(), GIVE_UP_MS);
      try {
        const answer = await fetch(proc.proxyUrl + record.path, {
          method: record.method,
          ...(record.request.body !== '' &&
            !/^(GET|HEAD)$/.test(record.method) && { body: record.request.body }),
          signal: controller.signal,
        });
        await answer.arrayBuffer();
      } catch {
        // An answer cut by a fault, or a recording paced for hours: the test's own give-up.
      } finally {
        clearTimeout(giveUp);
      }
    }
  } finally {
    await api('/api/replay', { method: 'DELETE' });
  }
}

describe(`fuzz (FUZZ_SEED=${SEED})`, () => {
  it('malformed HTTP requests at the proxy port', async () => {
    const r = seededRandom(SEED);
    for (let round = 0; round < 4; round++) {
      const names: string[] = [];
      await batch(`proxy batch ${round}`, () =>
        inParallel(25, 8, async () => {
          const { name, bytes } = proxyRequest(r);
          names.push(name);
          await throwAt(proc.proxyUrl, bytes, r.next() < 0.25);
        }),
      );
      await stillForwards(`proxy batch ${round} (${[...new Set(names)].join(', ')})`);
    }
  }, 60_000);

  it('malformed WebSocket handshakes and frames at the UI port', async () => {
    const r = seededRandom(SEED + 1);
    for (let round = 0; round < 4; round++) {
      const names: string[] = [];
      await batch(`UI batch ${round}`, () =>
        inParallel(20, 8, async () => {
          const { name, bytes } = uiFrames(r);
          names.push(name);
          await throwAt(proc.uiUrl, bytes, r.next() < 0.2);
        }),
      );
      await stillForwards(`UI batch ${round} (${[...new Set(names)].join(', ')})`);
    }
  }, 60_000);

  it('malformed records and files at the import API', async () => {
    const r = seededRandom(SEED + 2);
    const records = sampleRecords();
    for (let round = 0; round < 4; round++) {
      const names: string[] = [];
      const taken: string[] = [];
      await batch(`import batch ${round}`, async () => {
        await inParallel(10, 4, async () => {
          const { name, file, content } = importFile(r, records);
          names.push(name);
          const status = await importAndRead(content, file, taken);
          expect(status, name).toBeLessThan(500);
        });
        // What an import let through must also replay without harm.
        for (const session of taken) await replayImported(r, session);
        // And the replay and resend routes take malformed arguments too.
        const replay = {
          session: r.pick([null, ...taken]),
          speed: 1,
          fallthrough: false,
          faults: ['drop-usage'],
        };
        const started = await api('/api/replay', { method: 'POST', body: JSON.stringify(mutate(r, replay)) });
        expect(started.status, 'replay start').toBeLessThan(500);
        await api('/api/replay', { method: 'DELETE' });
        const edits = { body: '{}', model: 'm', apiKey: 'sk-x' };
        const resent = await api(`/api/exchanges/${encodeURIComponent(printable(r, 6))}/resend`, {
          method: 'POST',
          body: JSON.stringify(mutate(r, edits)),
        });
        expect(resent.status, 'resend').toBeLessThan(500);
      });
      await stillForwards(`import batch ${round} (${[...new Set(names)].join(', ')})`);
    }
  }, 60_000);
});
