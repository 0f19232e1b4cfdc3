/**
 * Replay mode and resend from the UI, end to end: `npm run serve`'s entry as a real process, the
 * official OpenAI SDK as the client, a fake upstream, and the UI in real headless Chromium.
 * Screenshots go to test-results/e2e/replay-*.png — look at them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { FakeUpstream } from '../support/fake-upstream.ts';
import { loadSseFixture } from '../support/fixtures.ts';
import { chromiumOrWarn, startUiApp, type UiApp } from '../support/ui-app.ts';

const executable = chromiumOrWarn('the replay and resend UI tests');
const ANSWER = 'The capital of Mexico is Mexico City.';
const SDK_KEY = 'sk-proj-e2eREPLAYkey0123456789abcdefWXYZ';
const TYPED_KEY = 'sk-typed-in-the-form-0123456789QRST';

let ui: UiApp;
let upstream: FakeUpstream;
let page: Page;
let openai: OpenAI;
let work: string;
const shot = (name: string) => ui.shot(`replay-${name}`);

async function ask(question: string): Promise<string> {
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: question }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

const rows = () => page.getByRole('row').filter({ hasText: '/v1/chat/completions' });
const detail = () => page.getByRole('region', { name: 'Exchange detail' });
const banner = () => page.getByRole('status', { name: 'Replay mode' });

describe.skipIf(!executable)('replay and resend from the UI in Chromium', () => {
  beforeAll(async () => {
    ui = await startUiApp(executable as string, {
      sdkKey: SDK_KEY,
      routes(fake) {
        fake.respond('POST /v1/chat/completions', {
          chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 40 }),
        });
      },
      // Resend must use the key typed in the form, not one from the environment.
      env: { OPENAI_API_KEY: '' },
    });
    ({ upstream, page, openai, work } = ui);
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('starts a replay from the UI, and the SDK is answered from the recording', async () => {
    expect(await ask('What is the capital of Mexico?')).toBe(ANSWER);
    await expect.poll(() => rows().first().textContent()).toContain('200');
    const upstreamCalls = upstream.requestCount;

    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const form = page.getByRole('dialog', { name: 'Replay' });
    await form.getByLabel('Speed').selectOption('0');
    await shot('1-form');
    await form.getByRole('button', { name: 'Start replay' }).click();
    await banner().waitFor();
    await expect.poll(() => banner().textContent()).toMatch(/1 recording · served 0 · missed 0/);

    // Answered from the recording: the same text, and the upstream never saw the request.
    expect(await ask('What is the capital of Mexico?')).toBe(ANSWER);
    expect(upstream.requestCount).toBe(upstreamCalls);
    await expect.poll(() => banner().textContent()).toContain('served 1 · missed 0');

    // A question never recorded is a miss: an OpenAI-shaped 404 the SDK throws.
    const miss = await ask('And of Peru?').catch((error: unknown) => error);
    expect(miss).toBeInstanceOf(OpenAI.NotFoundError);
    expect((miss as Error).message).toMatch(/no recording matched/);
    await expect.poll(() => banner().textContent()).toContain('served 1 · missed 1');
    expect(upstream.requestCount).toBe(upstreamCalls);

    // The replayed exchange links to the recording that answered it.
    await expect.poll(() => rows().count()).toBe(3);
    await rows().nth(1).click();
    const link = detail().getByRole('button', { name: /^Replay of #1/ });
    await link.waitFor();
    await shot('2-replaying');
    await link.click();
    await expect.poll(() => rows().first().getAttribute('aria-selected')).toBe('true');

    await banner().getByRole('button', { name: 'Stop replay' }).click();
    await banner().waitFor({ state: 'hidden' });
    expect(await ask('What is the capital of Mexico?')).toBe(ANSWER);
    expect(upstream.requestCount).toBe(upstreamCalls + 1);
  });

  it('resends an exchange from the UI with an edited model and a typed key', async () => {
    await rows().first().click();
    await detail().getByRole('button', { name: 'Resend…' }).click();
    const form = page.getByRole('dialog', { name: /^Resend POST/ });
    const body = form.getByLabel('Request body');
    expect(JSON.parse(await body.inputValue())).toMatchObject({ model: 'gpt-4o' });
    await form.getByLabel('Model', { exact: true }).fill('gpt-4o-mini');
    await form.getByLabel('API key').fill(TYPED_KEY);
    await shot('3-resend-form');
    const before = upstream.requestCount;
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await form.waitFor({ state: 'hidden' });

    // The live upstream got the edited model and the typed key.
    expect(upstream.requestCount).toBe(before + 1);
    const sent = upstream.requests.at(-1);
    if (!sent) throw new Error('the upstream saw no resend');
    expect((sent.json() as { model: string }).model).toBe('gpt-4o-mini');
    expect(sent.headers.authorization).toBe(`Bearer ${TYPED_KEY}`);

    // The new exchange is selected and links back to the original.
    await expect.poll(() => rows().count()).toBe(5);
    await expect.poll(() => rows().last().getAttribute('aria-selected')).toBe('true');
    const link = detail().getByRole('button', { name: /^Resent from #1/ });
    await link.waitFor();
    await detail().getByRole('tab', { name: 'Request' }).click();
    await expect.poll(() => detail().textContent()).toContain('gpt-4o-mini');
    await shot('4-resent');
    expect(await page.content()).not.toContain(TYPED_KEY);

    // The key is nowhere on disk: recordings hold no keys.
    const data = join(work, 'data');
    await expect
      .poll(async () => {
        const files = await readdir(data, { recursive: true, withFileTypes: true });
        const texts = await Promise.all(
          files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')),
        );
        return texts.join('\n');
      })
      .toContain('gpt-4o-mini');
    const files = await readdir(data, { recursive: true, withFileTypes: true });
    for (const file of files.filter((f) => f.isFile())) {
      expect(await readFile(join(file.parentPath, file.name), 'utf8')).not.toContain(TYPED_KEY);
    }
  });

  it('exports the filtered rows (sent as a POST) as JSONL', async () => {
    const filter = page.getByRole('combobox');
    await filter.fill('status>=400');
    await filter.press('Enter');
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Filtered rows as JSONL/ }).click(),
    ]);
    const path = join(work, 'filtered.jsonl');
    await download.saveAs(path);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] as string) as ExchangeRecord;
    expect(record.status).toBe(404);
    expect(record.replayOf).toBe('miss');
    await filter.fill('');
    await filter.press('Enter');
  });
});
