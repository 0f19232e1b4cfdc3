/** `tokentap replay` as a real process: answers from a JSONL file, misses printed, bad faults refused. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAborted } from '../../../shared/exchange/exchange-lifecycle.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { sampleRecords } from '../../support/sample-records.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'tokentap.js');
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokentap-replay-cli-'));
});
afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

describe('tokentap replay', () => {
  it('replays a JSONL file on the given address', async () => {
    const records = sampleRecords().filter((r) => r.response !== null && r.status !== null && !isAborted(r));
    const file = join(dir, 'session.jsonl');
    await writeFile(file, recordsToJsonl(records));
    child = spawn(process.execPath, [BIN, 'replay', file, '--speed', '0', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, TOKENTAP_DATA_DIR: dir, UI_ADDR: '127.0.0.1:0' },
    });
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const proxyUrl = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /Tokentap proxy on (http:\/\/\S+)/.exec(out);
        if (match && out.includes('Replaying')) resolve(match[1] as string);
      });
      child?.once('exit', () => reject(new Error(`exited: ${out} ${err}`)));
    });
    expect(out).toContain(
      `Replaying ${records.length} of ${records.length} exchanges from session.jsonl at speed 0`,
    );
    const record = records[0];
    if (!record) throw new Error('no sample record');
    const response = await fetch(proxyUrl + record.path, {
      method: record.method,
      headers: { 'content-type': 'application/json' },
      ...(record.request.body ? { body: record.request.body } : {}),
    });
    expect(response.status).toBe(record.status);
    const expected = record.chunks.length ? record.chunks.map((c) => c.data).join('') : record.response?.body;
    expect(await response.text()).toBe(expected);
    const miss = await fetch(`${proxyUrl}/v1/nothing`, { method: 'POST', body: '{}' });
    expect(miss.status).toBe(404);
    await vi.waitFor(
      () => expect(err, 'the miss printed on stderr').toContain('no recording matched POST /v1/nothing'),
      {
        timeout: 10_000,
      },
    );
    child.kill('SIGTERM');
  });

  it('refuses an unknown fault', async () => {
    const run = promisify(execFile);
    const result = await run(process.execPath, [BIN, 'replay', 'latest', '--fault', 'explode'], {
      env: { ...process.env, TOKENTAP_DATA_DIR: dir },
    }).catch((e: unknown) => e as { code: number; stderr: string });
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stderr: string }).stderr).toContain('unknown fault "explode"');
  });
});
