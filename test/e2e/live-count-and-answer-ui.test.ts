/**
 * Two UI truths in real headless Chromium against `npm run serve`'s entry as a real process, with
 * the official OpenAI SDK as the client: the replay form counts the live session as it grows, and the
 * Overview tab shows the question and the answer. Screenshots: test-results/e2e/live-count-*.png.
 */
import type OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSseFixture } from '../support/fixtures.ts';
import { chromiumOrWarn, startUiApp, type UiApp } from '../support/ui-app.ts';

const executable = chromiumOrWarn('the live count and overview answer UI tests');
const ANSWER = 'The capital of Mexico is Mexico City.';
/** A shared, busy machine: the UI may take a while to catch up, which is no failure. */
const WAIT = { timeout: 10_000 };

let ui: UiApp;
let page: Page;
let openai: OpenAI;

async function ask(question: string): Promise<string> {
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: question },
    ],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

const rows = () => page.getByRole('row').filter({ hasText: '/v1/chat/completions' });

describe.skipIf(!executable)('the live session in Chromium', () => {
  beforeAll(async () => {
    ui = await startUiApp(executable as string, {
      sdkKey: 'sk-proj-e2eLIVEcount0123456789abcdefWXYZ',
      routes(fake) {
        fake.respond('POST /v1/chat/completions', {
          chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 10 }),
        });
      },
    });
    ({ page, openai } = ui);
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('counts the current session in the replay form live, as exchanges end', async () => {
    expect(await ask('What is the capital of Mexico?')).toBe(ANSWER);
    expect(await ask('And again: the capital of Mexico?')).toBe(ANSWER);
    await expect.poll(() => rows().count(), WAIT).toBe(2);
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const form = page.getByRole('dialog', { name: 'Replay' });
    const current = form.getByRole('option', { name: /^Current session/ });
    await expect.poll(() => current.textContent(), WAIT).toMatch(/, 2 exchanges\)$/);
    // The form stays open while traffic goes on: its count follows.
    expect(await ask('Once more?')).toBe(ANSWER);
    await expect.poll(() => rows().count(), WAIT).toBe(3);
    await expect.poll(() => current.textContent(), WAIT).toMatch(/, 3 exchanges\)$/);
    // The option list of a native select does not show in a screenshot; its text is the count.
    await ui.shot('live-count-1-replay-form');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'hidden' });
  });

  it('shows the last user message and the answer on the Overview tab', async () => {
    await rows().first().click();
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    const asked = detail.getByRole('region', { name: 'Last user message' });
    const answer = detail.getByRole('region', { name: 'Answer' });
    await expect.poll(() => answer.textContent(), WAIT).toContain(ANSWER);
    expect(await asked.textContent()).toContain('What is the capital of Mexico?');
    expect(await asked.textContent()).not.toContain('Be brief.');
    await ui.shot('live-count-2-overview-answer');
  });
});
