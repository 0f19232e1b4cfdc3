/**
 * The whole app end to end: `npm run serve`'s entry as a real process, the official OpenAI SDK
 * sending traffic through its proxy to a fake upstream, and the UI in real headless Chromium.
 * Screenshots go to test-results/e2e/ — look at them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSseFixture, readFixture } from '../support/fixtures.ts';
import { expectValidHar } from '../support/har-validate.ts';
import { chromiumOrWarn, startUiApp, type UiApp } from '../support/ui-app.ts';

const executable = chromiumOrWarn('the end-to-end UI tests');
const ANSWER = 'The capital of Mexico is Mexico City.';

let ui: UiApp;
let page: Page;
let openai: OpenAI;
let work: string;
const shot = (name: string) => ui.shot(name);

describe.skipIf(!executable)('the inspector UI in Chromium', () => {
  beforeAll(async () => {
    ui = await startUiApp(executable as string, {
      sdkKey: 'sk-proj-e2eTESTkey0123456789abcdefWXYZ',
      routes(upstream) {
        upstream.respond('POST /v1/chat/completions', {
          chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 120 }),
        });
        upstream.respond('POST /v1/embeddings', {
          body: readFixture('openai-embeddings-base64.compact.json'),
        });
      },
    });
    ({ page, openai, work } = ui);
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('shows a row while the stream runs, then its tokens when it ends', async () => {
    let ended = false;
    const streaming = (async () => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'What is the capital of Mexico?' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      ended = true;
      return text;
    })();
    const row = page.getByRole('row').filter({ hasText: '/v1/chat/completions' });
    await row.first().waitFor();
    expect(ended).toBe(false);
    await shot('1-row-while-streaming');
    expect(await streaming).toBe(ANSWER);
    // The status shows from the response head on; the model and tokens once analysis has them.
    const finished = ['200', 'gpt-4o-2024-08-06', '14', '8'];
    await expect
      .poll(async () => {
        const text = (await row.first().textContent()) ?? '';
        return finished.filter((part) => !text.includes(part));
      })
      .toEqual([]);
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    await page.getByRole('row').filter({ hasText: '/v1/embeddings' }).waitFor();
    await shot('2-list');
  });

  it('shows the selected exchange: overview, request, merged response', async () => {
    await page.getByRole('row').filter({ hasText: '/v1/chat/completions' }).first().click();
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    await detail.waitFor();
    await expect.poll(() => detail.textContent()).toContain('Output tokens');
    await shot('3-detail-overview');
    await detail.getByRole('tab', { name: 'Conversation' }).click();
    await expect.poll(() => detail.textContent()).toContain('What is the capital of Mexico?');
    await detail.getByRole('tab', { name: 'Request' }).click();
    await expect.poll(() => detail.textContent()).toContain('authorization');
    expect(await detail.textContent()).not.toContain('e2eTESTkey');
    await detail.getByRole('tab', { name: 'Response' }).click();
    await expect.poll(() => detail.textContent()).toContain(ANSWER);
    await shot('4-detail-response');
  });

  it('replays the stream token by token and rebuilds the text', async () => {
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    await detail.getByRole('tab', { name: 'Replay' }).click();
    const output = detail.getByRole('region', { name: 'Replayed response' });
    await detail.getByRole('button', { name: 'Play' }).click();
    // Part way through, the replay shows a strict prefix of the answer: it is rebuilt token by token.
    const textSection = output.getByTestId('merged-text');
    await expect
      .poll(async () => {
        const text = (await textSection.textContent().catch(() => '')) ?? '';
        return text.length > 0 && text.length < ANSWER.length && ANSWER.startsWith(text);
      })
      .toBe(true);
    await shot('5-replay-midway');
    await expect.poll(() => textSection.textContent(), { timeout: 10_000 }).toBe(ANSWER);
    await shot('6-replay-done');
  });

  it('totals usage per tenant and model, matching the exchanges', async () => {
    await page.getByRole('button', { name: 'Usage', exact: true }).click();
    const usage = page.getByRole('region', { name: 'Usage totals' });
    await usage.waitFor();
    await expect.poll(() => usage.textContent()).toContain('gpt-4o-2024-08-06');
    const modelRow = usage.getByRole('row').filter({ hasText: 'gpt-4o-2024-08-06' }).first();
    const cells = await modelRow.getByRole('cell').allTextContents();
    expect(cells.join(' ')).toMatch(/\b14\b/);
    expect(cells.join(' ')).toMatch(/\b22\b/);
    await shot('7-usage');
    await page.getByRole('button', { name: 'Usage', exact: true }).click();
  });

  it('filters the list with the query language', async () => {
    const filter = page.getByRole('combobox');
    await filter.fill('api:embeddings');
    await filter.press('Enter');
    await expect.poll(() => page.getByRole('row').filter({ hasText: '/v1/' }).count()).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: '/v1/embeddings' }).count()).toBe(1);
    await shot('8-filtered');
    await filter.fill('-api:embeddings');
    await filter.press('Enter');
    await expect
      .poll(() => page.getByRole('row').filter({ hasText: '/v1/chat/completions' }).count())
      .toBe(1);
    expect(await page.getByRole('row').filter({ hasText: '/v1/embeddings' }).count()).toBe(0);
    await filter.fill('');
    await filter.press('Enter');
  });

  it('exports the session as a valid HAR', async () => {
    await page.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Session as HAR/ }).click(),
    ]);
    // The link the browser downloaded carries a single-use ticket, never the token.
    expect(download.url()).toMatch(/\/api\/export\?ticket=[\w-]+$/);
    expect(download.url()).not.toContain('e2e-token');
    expect(page.url()).not.toContain('token');
    // A reload of the tab still has the token (kept for the tab), though the URL has none.
    await page.reload();
    await page.getByText('Listening on').waitFor();
    await expect
      .poll(() => page.getByRole('row').filter({ hasText: '/v1/chat/completions' }).count())
      .toBe(1);
    const path = join(work, 'export.har');
    await download.saveAs(path);
    const har = JSON.parse(await readFile(path, 'utf8')) as {
      log: { entries: Array<{ response: { content: { text: string } } }> };
    };
    expect(har.log.entries).toHaveLength(2);
    expect(har.log.entries[0]?.response.content.text).toBe(
      readFixture('openai-chat-stream-usage.sse').toString(),
    );
    await expectValidHar(har);
  });
});
