/**
 * Every address Tokentap cannot listen on is one line on stderr, naming the address and what to
 * do, never a stack trace: `serve` and `replay`, the proxy and the UI, in use, not on this machine,
 * privileged; and bad option values are one line with exit code 2. Real `bin/tokentap.js` processes.
 */
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordsToJsonl } from '../../shared/export-formats/jsonl-format.ts';
import { sampleRecords } from '../support/sample-records.ts';
import { defaultEnv, killStartedTokentaps, runTokentap } from '../support/tokentap-process.ts';

const IN_USE = 'the port is already in use (another Tokentap, or another server?)';
let root: string;
let recording: string;
let blocker: Server;
let taken: string;
let dirs = 0;

async function dataDir(): Promise<string> {
  const dir = join(root, `data-${++dirs}`);
  await mkdir(dir);
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tokentap-listen-clash-'));
  recording = join(root, 'recording.jsonl');
  await writeFile(recording, recordsToJsonl(sampleRecords().filter((r) => r.status !== null)));
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  taken = `127.0.0.1:${(blocker.address() as { port: number }).port}`;
});
// A run that never exits (it did not fail, it started) is killed, not left holding its ports.
afterEach(killStartedTokentaps);
afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('an address that cannot be listened on', () => {
  it('tokentap replay --listen: in use', async () => {
    const result = await runTokentap(['replay', recording, '--listen', taken], defaultEnv(await dataDir()));
    expect(result.stderr).toBe(
      `tokentap replay: the proxy cannot listen on ${taken}: ${IN_USE}. Pass --listen with another address (--listen :0 for a free port).\n`,
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
  });

  it('tokentap replay --ui: in use', async () => {
    const result = await runTokentap(['replay', recording, '--ui', taken], defaultEnv(await dataDir()));
    expect(result.stderr).toBe(
      `tokentap replay: the UI cannot listen on ${taken}: ${IN_USE}. Pass --ui with another address (--ui alone for a free port).\n`,
    );
    expect(result.code).toBe(1);
  });

  it('tokentap serve: the proxy (LISTEN_ADDR) in use', async () => {
    const result = await runTokentap(['serve'], defaultEnv(await dataDir(), { LISTEN_ADDR: taken }));
    expect(result.stderr).toBe(
      `tokentap serve: the proxy cannot listen on ${taken}: ${IN_USE}. Set LISTEN_ADDR to another address (LISTEN_ADDR=:0 for a free port).\n`,
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
  });

  it('tokentap serve: the UI (UI_ADDR) in use, with the proxy on a free port', async () => {
    const env = defaultEnv(await dataDir(), { LISTEN_ADDR: ':0', UI_ADDR: taken });
    const result = await runTokentap(['serve'], env);
    expect(result.stderr).toBe(
      `tokentap serve: the UI cannot listen on ${taken}: ${IN_USE}. Set UI_ADDR to another address (UI_ADDR=:0 for a free port).\n`,
    );
    expect(result.code).toBe(1);
  });

  it('an address not on this machine (EADDRNOTAVAIL)', async () => {
    const result = await runTokentap(
      ['replay', recording, '--listen', '192.0.2.1:4000'],
      defaultEnv(await dataDir()),
    );
    expect(result.stderr).toBe(
      'tokentap replay: the proxy cannot listen on 192.0.2.1:4000: that address does not belong to this machine. Pass --listen with another address (--listen :0 for a free port).\n',
    );
    expect(result.code).toBe(1);
  });

  // As root every port is allowed, so the child runs as `nobody`, as an ordinary user would.
  it.skipIf(process.getuid?.() !== 0)('a privileged port (EACCES), as an ordinary user', async () => {
    const dir = await dataDir();
    await chmod(root, 0o755);
    // Its own data folder, as an ordinary user's would be (Tokentap narrows it to 700).
    await chown(dir, 65534, 65534);
    const result = await runTokentap(['serve'], defaultEnv(dir, { LISTEN_ADDR: '127.0.0.1:80', HOME: dir }), {
      uid: 65534,
      gid: 65534,
    });
    expect(result.stderr).toBe(
      'tokentap serve: the proxy cannot listen on 127.0.0.1:80: permission denied (ports below 1024 need privileges). Set LISTEN_ADDR to another address (LISTEN_ADDR=:0 for a free port).\n',
    );
    expect(result.code).toBe(1);
  });
});

describe('bad option values: one line, exit code 2', () => {
  it('--help documents every replay option and the address forms', async () => {
    const help = await runTokentap(['--help'], defaultEnv(await dataDir()));
    expect(help.code).toBe(0);
    for (const option of [
      '--listen ADDR',
      '--ui [ADDR]',
      '--port-file PATH',
      '--strict',
      '--speed N',
      '--fallthrough',
      '--fault F',
    ])
      expect(help.stdout).toContain(option);
    expect(help.stdout).toContain(':0 picks a free port');
  });

  const cases: [string, string[], string][] = [
    [
      'a speed that is not a number',
      ['--speed', 'fast'],
      'tokentap replay: --speed "fast": the speed must be 0 or a positive number (see tokentap --help)',
    ],
    [
      'a listen address that is not one',
      ['--listen', 'localhost'],
      'tokentap replay: --listen: Invalid listen address "localhost": expected host:port, e.g. 127.0.0.1:3000 (see tokentap --help)',
    ],
    [
      'a UI address that is not one',
      ['--ui=nowhere'],
      'tokentap replay: --ui: Invalid listen address "nowhere": expected host:port, e.g. 127.0.0.1:3000 (see tokentap --help)',
    ],
    [
      'an empty port file',
      ['--port-file='],
      'tokentap replay: --port-file needs a path (see tokentap --help)',
    ],
    ['an unknown fault', ['--fault', 'explode'], 'tokentap replay: unknown fault "explode"'],
    ['an unknown option', ['--frobnicate'], "tokentap: Unknown option '--frobnicate'. (see tokentap --help)"],
    [
      'a port file without its value',
      ['--port-file'],
      "tokentap: Option '--port-file <value>' argument missing (see tokentap --help)",
    ],
  ];
  it.each(cases)('%s', async (_name, args, line) => {
    const result = await runTokentap(['replay', recording, ...args], defaultEnv(await dataDir()));
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(result.code).toBe(2);
  });
});
