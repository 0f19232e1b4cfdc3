/**
 * `tokentap replay` where test suites run: side by side with other replays and a `serve`, each
 * started with its defaults, real processes; `--port-file`, `--strict` and SIGTERM with the official
 * OpenAI SDK as the client.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { sampleRecords } from '../../support/sample-records.ts';
import {
  defaultEnv,
  killStartedTokentaps,
  startTokentap,
  type TokentapProcess,
} from '../../support/tokentap-process.ts';

let root: string;
let recording: string;
const PROXY_LINE = /Tokentap proxy on (http:\/\/127\.0\.0\.1:\d+) /;

/** The non-streamed chat completion of the samples: what the SDK asks for, and what it got. */
function chatRecord(): ExchangeRecord {
  const record = sampleRecords().find(
    (r) => r.path === '/v1/chat/completions' && !r.stream && r.status === 200,
  );
  if (!record) throw new Error('no non-streamed chat completion in the samples');
  return record;
}

async function dataDir(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  return dir;
}

function start(args: string[], dir: string, extra: Record<string, string> = {}): TokentapProcess {
  return startTokentap(args, defaultEnv(dir, extra));
}

/** Reads the port file until it is there; every read that finds it must find a whole URL. */
async function readPortFile(path: string): Promise<string> {
  let url = '';
  await vi.waitFor(
    async () => {
      const text = await readFile(path, 'utf8').catch(() => null);
      if (text === null) throw new Error(`waiting for the port file ${path}`);
      expect(text).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      url = text;
    },
    { timeout: 30_000, interval: 5 },
  );
  return url;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tokentap-replay-suites-'));
  recording = join(root, 'recording.jsonl');
  const records = sampleRecords().filter((r) => r.response !== null && r.status !== null);
  await writeFile(recording, recordsToJsonl(records));
});
afterEach(killStartedTokentaps);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tokentap replay for test suites', () => {
  it('runs two replays and a serve side by side with default options, and a clash is one line', async () => {
    const one = start(['replay', recording], await dataDir('one'));
    const two = start(['replay', recording], await dataDir('two'));
    const serve = start(['serve'], await dataDir('serve'));
    const [a, b, s] = await Promise.all([
      one.waitFor(PROXY_LINE, 'the first replay listens'),
      two.waitFor(PROXY_LINE, 'the second replay listens'),
      serve.waitFor(/Tokentap UI on (http:\/\/\S+)/, 'serve is up'),
    ]);
    await one.waitFor(/Replaying \d+ of \d+ exchanges/, 'the first replay summary');
    await two.waitFor(/Replaying \d+ of \d+ exchanges/, 'the second replay summary');
    expect(a[1]).not.toBe(b[1]);
    // serve keeps its documented defaults; the replays took free ports and started no UI.
    expect(serve.stdout()).toContain('Tokentap proxy on http://127.0.0.1:3000 ');
    expect(s[1]).toMatch(/^http:\/\/127\.0\.0\.1:3001\/[?#]token=/);
    for (const replay of [one, two]) {
      expect(replay.stdout()).not.toContain('Tokentap UI');
      expect(replay.stderr()).toBe('');
    }
    // Both answer from the recording (at the recorded pace: in parallel, as test shards would).
    const record = chatRecord();
    const answers = await Promise.all(
      [a[1], b[1]].map((base) =>
        new OpenAI({
          baseURL: `${base}/v1`,
          apiKey: 'sk-test-replay',
          maxRetries: 0,
        }).chat.completions.create(JSON.parse(record.request.body)),
      ),
    );
    for (const answer of answers) expect(answer.choices[0]?.message.content).toBe(record.merged?.text);

    // A third replay told to use the first one's address: one line naming it and what to do.
    const address = (a[1] as string).slice('http://'.length);
    const clash = start(['replay', recording, '--listen', address], await dataDir('clash'));
    expect((await clash.exited).code).toBe(1);
    expect(clash.stderr()).toBe(
      `tokentap replay: the proxy cannot listen on ${address}: the port is already in use (another Tokentap, or another server?). Pass --listen with another address (--listen :0 for a free port).\n`,
    );
    expect(clash.stdout()).toBe('');
  }, 60_000);

  it('writes --port-file, serves the SDK, and with --strict exits 1 after a miss, printing its counts on SIGTERM', async () => {
    const portFile = join(root, 'strict', 'replay.url');
    const replay = start(
      ['replay', recording, '--speed', '0', '--strict', '--port-file', portFile],
      await dataDir('strict'),
    );
    const url = await readPortFile(portFile);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test-replay', maxRetries: 0 });
    const record = chatRecord();
    const answer = await client.chat.completions.create(JSON.parse(record.request.body));
    expect(answer.choices[0]?.message.content).toBe(record.merged?.text);
    const miss = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Never recorded' }] })
      .catch((error: unknown) => error);
    expect(miss).toBeInstanceOf(OpenAI.NotFoundError);
    await replay.waitFor(/no recording matched POST \/v1\/chat\/completions/, 'the miss is printed');

    replay.child.kill('SIGTERM');
    const exit = await replay.exited;
    expect(replay.stdout()).toContain('\nSIGTERM: replay stopped; served 1, missed 1\n');
    expect(replay.stderr().trimEnd().split('\n').at(-1)).toBe(
      'tokentap replay: --strict: 1 request matched no recording',
    );
    expect(exit.code).toBe(1);
    // The URL is gone with the server, and no temporary file was left behind.
    expect(await readdir(join(root, 'strict'))).not.toContain('replay.url');
    expect((await readdir(join(root, 'strict'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 0 on SIGTERM under --strict when every request matched, and SIGINT ends it the same way', async () => {
    const portFile = join(root, 'clean.url');
    const replay = start(
      ['replay', recording, '--speed', '0', '--strict', '--port-file', portFile],
      await dataDir('clean'),
    );
    const url = await readPortFile(portFile);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test-replay', maxRetries: 0 });
    await client.chat.completions.create(JSON.parse(chatRecord().request.body));
    replay.child.kill('SIGINT');
    const exit = await replay.exited;
    expect(replay.stdout()).toContain('\nSIGINT: replay stopped; served 1, missed 0\n');
    expect(exit.code).toBe(0);
  });

  it('adds the UI with --ui, on a free port, printed with its token', async () => {
    const replay = start(['replay', recording, '--ui'], await dataDir('with-ui'));
    const ui = await replay.waitFor(
      /Tokentap UI on (http:\/\/127\.0\.0\.1:(\d+))\/[?#]token=(\S+)/,
      'the UI',
    );
    expect(ui[2]).not.toBe('3001');
    const status = await fetch(`${ui[1]}/api/status`, { headers: { authorization: `Bearer ${ui[3]}` } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { replay: { recordings: number } }).replay.recordings).toBeGreaterThan(
      0,
    );
  });

  it('takes :0 for every address option and prints the ports it bound', async () => {
    const replay = start(['replay', recording, '--listen', ':0', '--ui', ':0'], await dataDir('zero'));
    const serve = start(['serve'], await dataDir('zero-serve'), { LISTEN_ADDR: ':0', UI_ADDR: ':0' });
    for (const run of [replay, serve]) {
      const proxy = await run.waitFor(PROXY_LINE, 'the proxy');
      const ui = await run.waitFor(/Tokentap UI on http:\/\/127\.0\.0\.1:(\d+)\//, 'the UI');
      expect(Number(/:(\d+)$/.exec(proxy[1] as string)?.[1])).toBeGreaterThan(0);
      expect(Number(ui[1])).toBeGreaterThan(0);
    }
  });
});
