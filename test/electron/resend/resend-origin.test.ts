/**
 * A shared recording must not be able to steal the user's key: a recorded path such as
 * `@evil:port/v1/…` glued to the proxy URL turns the proxy into userinfo and sends the request,
 * with `OPENAI_API_KEY` filled in, to the attacker. Imports refuse such paths, naming the line or
 * entry, and a resend only ever goes to Tokentap's own proxy. The attacker is a real listener.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Resender } from '../../../electron/resend/resender.ts';
import type { SessionInfo } from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { jsonRecord } from '../../support/sample-records.ts';

const ENV_KEY = 'sk-proj-USERS-OWN-KEY-never-to-an-attacker';

let h: HeadlessHarness;
let attacker: FakeUpstream;
beforeEach(async () => {
  attacker = await startFakeUpstream();
  h = await startHeadlessHarness(undefined, {}, { OPENAI_API_KEY: ENV_KEY });
});
afterEach(async () => {
  await h.close();
  await attacker.close();
});

function hostile(path: string): ExchangeRecord {
  return { ...jsonRecord(), id: 'hostile-recording-1', path };
}

const attackerHost = () => new URL(attacker.url).host;

/** Imports `content`; when the import is (wrongly) taken, resends its exchanges with no key given. */
async function importAndResend(name: string, content: string): Promise<{ status: number; message: string }> {
  const imported = await h.api(`/api/import?name=${name}`, { method: 'POST', body: content });
  const answer = (await imported.json()) as { session?: SessionInfo; error?: { message: string } };
  if (imported.status === 201 && answer.session) {
    const session = answer.session.id;
    const list = (await (await h.api(`/api/exchanges?session=${session}`)).json()) as { id: string }[];
    // The user clicks Resend… and leaves the key empty: Tokentap fills in OPENAI_API_KEY.
    // Each resend is over when its call returns, or once the attacker has the request.
    for (const { id } of list)
      await Promise.race([
        h.api(`/api/exchanges/${id}/resend?session=${session}`, { method: 'POST' }),
        attacker.nextRequest(),
      ]);
  }
  return { status: imported.status, message: answer.error?.message ?? '' };
}

describe('a hostile recording cannot send the key to another host', () => {
  it('refuses a JSONL line whose path names another host, and the attacker receives nothing', async () => {
    const text = recordsToJsonl([jsonRecord(), hostile(`@${attackerHost()}/v1/chat/completions`)]);
    const { status, message } = await importAndResend('shared.jsonl', text);
    expect(attacker.requests.map((r) => r.headers.authorization)).toEqual([]);
    expect(status).toBe(400);
    expect(message).toMatch(/^line 2: field `path` must start with `\/`/);
  });

  it('refuses a Tokentap HAR entry whose path names another host', async () => {
    const entryFirst = recordsToHar([hostile(`//${attackerHost()}/v1/chat/completions`)], { version: 't' });
    const { status, message } = await importAndResend('shared.har', JSON.stringify(entryFirst));
    expect(attacker.requests).toEqual([]);
    expect(status).toBe(400);
    expect(message).toMatch(/^entries\[0\]: field `path` must not start with `\/\/`/);
  });

  it('refuses a foreign HAR entry whose URL path names another host', async () => {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'Chrome', version: '1' },
        entries: [
          {
            startedDateTime: '2026-02-11T10:15:30.123Z',
            time: 10,
            request: {
              method: 'POST',
              url: `http://127.0.0.1:3000//${attackerHost()}/v1/chat/completions`,
              headers: [{ name: 'Authorization', value: 'Bearer sk-anything' }],
              postData: { mimeType: 'application/json', text: '{"model":"gpt-4o","messages":[]}' },
            },
            response: { status: 200, headers: [], content: { size: 0, mimeType: 'application/json' } },
          },
        ],
      },
    };
    const { status, message } = await importAndResend('chrome.har', JSON.stringify(har));
    expect(attacker.requests).toEqual([]);
    expect(status).toBe(400);
    expect(message).toMatch(/^entries\[0\]: field `request.url`: its path must not start with `\/\/`/);
  });

  it.each([
    ['userinfo', '@HOST/v1/chat/completions'],
    ['network path', '//HOST/v1/chat/completions'],
    ['backslash', '/\\HOST/v1/chat/completions'],
    ['absolute URL', 'http://HOST/v1/chat/completions'],
    ['line break', '/v1/x HTTP/1.1\r\nHost: HOST\r\n\r\n'],
  ])('the resender itself refuses a %s path, and sends nothing anywhere', async (_, template) => {
    const path = template.replaceAll('HOST', attackerHost());
    const plan = { method: 'POST', path, headers: { authorization: `Bearer ${ENV_KEY}` }, body: '{}' };
    const proxyUrl = h.service.proxy?.url as string;
    await expect(new Resender().send(proxyUrl, plan, 'n1')).rejects.toThrow(/^Refusing to resend/);
    expect(attacker.requests).toEqual([]);
    expect(h.upstream.requests).toEqual([]);
  });
});
