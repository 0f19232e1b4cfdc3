/** The `tokentap` command as a real process: help, version, export of a session on disk. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsToJsonl } from '../../shared/export-formats/jsonl-format.ts';
import { expectValidHar } from '../support/har-validate.ts';
import { sampleRecords } from '../support/sample-records.ts';
import { runTokentap, sampleSessionDir } from '../support/tokentap-process.ts';

let dir: string;
let sessionId: string;

const tokentap = (args: string[]) => runTokentap(args, { ...process.env, TOKENTAP_DATA_DIR: dir });

beforeAll(async () => {
  ({ dir, sessionId } = await sampleSessionDir('tokentap-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tokentap', () => {
  it('prints help and version', async () => {
    const help = await tokentap(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tokentap export <session|latest> --format har|jsonl -o FILE');
    expect((await tokentap(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = await tokentap(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('exports the latest session as JSONL, identical to its records', async () => {
    const out = join(dir, 'out.jsonl');
    const result = await tokentap(['export', 'latest', '--format', 'jsonl', '-o', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`session ${sessionId}`);
    expect(await readFile(out, 'utf8')).toBe(recordsToJsonl(sampleRecords()));
  });

  it('exports a named session as valid HAR', async () => {
    const out = join(dir, 'out.har');
    expect((await tokentap(['export', sessionId, '--format', 'har', '-o', out])).code).toBe(0);
    const har = JSON.parse(await readFile(out, 'utf8')) as { log: { entries: unknown[] } };
    expect(har.log.entries).toHaveLength(sampleRecords().length);
    await expectValidHar(har);
  });

  it('explains a missing session or bad arguments', async () => {
    const missing = await tokentap(['export', 'no-such', '--format', 'har', '-o', join(dir, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no session "no-such"');
    const bad = await tokentap(['export', 'latest', '--format', 'xml', '-o', join(dir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage');
  });
});
