/**
 * What a DevTools user expects, in real Chromium against `npm run serve`'s entry: both themes
 * (screenshots, contrast of every text colour), the keyboard alone, the JSON viewer on a 5 MB body,
 * and an accessibility audit (axe-core) of the main views. Screenshots go to test-results/e2e/.
 */
import type OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious } from '../support/axe-audit.ts';
import { loadSseFixture } from '../support/fixtures.ts';
import { chromiumOrWarn, startUiApp, type UiApp } from '../support/ui-app.ts';

const executable = chromiumOrWarn('the DevTools-style UI tests');

let ui: UiApp;
let page: Page;
let openai: OpenAI;

/** A non-streamed answer of about 5 MB: a long list of objects, like a big tool result echoed back. */
const BIG_ANSWER = JSON.stringify({
  id: 'chatcmpl-big',
  object: 'chat.completion',
  created: 1754688929,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
  results: Array.from({ length: 40_000 }, (_, i) => ({
    id: i,
    path: `src/module-${i}/file.ts`,
    excerpt: 'export function handler(request: Request): Response { return new Response(null); }',
    needle: i === 31_337 ? 'the-one-needle' : null,
  })),
});

async function sendChat(): Promise<void> {
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is the capital of Mexico?' },
    ],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) {
    // drain
  }
}

/** WCAG contrast ratio of every text colour the palette has against the page background, in the page. */
function paletteContrast(p: Page): Promise<Record<string, number>> {
  return p.evaluate(() => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const rgb = (css: string): number[] => {
      probe.style.color = css;
      return (getComputedStyle(probe).color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    };
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const lin = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const ratio = (a: string, b: string) => {
      const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((m, n) => n - m) as [number, number];
      return (x + 0.05) / (y + 0.05);
    };
    const out: Record<string, number> = {};
    for (const name of ['text', 'text-muted', 'accent', 'ok', 'warn', 'error']) {
      for (const bg of ['bg', 'bg-alt', 'bg-bar', 'code-bg']) {
        out[`--${name} on --${bg}`] = ratio(`var(--${name})`, `var(--${bg})`);
      }
    }
    probe.remove();
    return out;
  });
}

describe.skipIf(!executable)('the inspector as DevTools users expect it, in Chromium', () => {
  beforeAll(async () => {
    ui = await startUiApp(executable as string, {
      sdkKey: 'sk-proj-devtoolsTESTkey0123456789abcdefWXYZ',
      routes(upstream) {
        upstream.respond('POST /v1/chat/completions', {
          chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 10 }),
        });
        upstream.respond('POST /v1/responses', {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(BIG_ANSWER),
        });
      },
    });
    ({ page, openai } = ui);
    await sendChat();
    await page.getByRole('row').filter({ hasText: '/v1/chat/completions' }).first().waitFor();
  }, 90_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('follows the system theme, pins light or dark with the toggle, and every text colour is readable in both', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const systemDark = await background();
    await page.getByRole('row').filter({ hasText: '/v1/chat/completions' }).first().click();
    await page.getByRole('region', { name: 'Exchange detail' }).waitFor();
    await ui.shot('devtools-1-system-dark');
    // System → light (pinned even though the system is dark) → dark → system.
    await page.getByRole('button', { name: /^System theme/ }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await background()).not.toBe(systemDark);
    await ui.shot('devtools-2-light');
    const light = await paletteContrast(page);
    await page.getByRole('button', { name: /^Light theme/ }).click();
    expect(await background()).toBe(systemDark);
    await ui.shot('devtools-3-dark');
    const dark = await paletteContrast(page);
    // Remembered across a reload.
    await page.reload();
    await page.getByText('Listening on').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('button', { name: /^Dark theme/ }).click();
    await page.emulateMedia({ colorScheme: 'light' });

    // WCAG AA for text: 4.5:1.
    const low = Object.entries({ ...prefix('light', light), ...prefix('dark', dark) }).filter(
      ([, r]) => r < 4.5,
    );
    expect(low, `colours below 4.5:1: ${low.map(([k, r]) => `${k} ${r.toFixed(2)}`).join('; ')}`).toEqual([]);
  });

  it('works from the keyboard alone: move, open, switch tabs, play, filter, help', async () => {
    await page.locator('body').click({ position: { x: 5, y: 500 } });
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    await detail.waitFor();
    await page.keyboard.press(']');
    await expect.poll(() => detail.getByRole('tab', { selected: true }).textContent()).toBe('Conversation');
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    await expect.poll(() => detail.getByRole('tab', { selected: true }).textContent()).toBe('Replay');
    await page.keyboard.press(' ');
    await detail
      .getByRole('button', { name: 'Pause' })
      .or(detail.getByRole('button', { name: 'Play' }))
      .waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 500 } });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await ui.shot('devtools-4-shortcuts');
    // Focus is visible: the dialog's focused button draws an outline.
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
  });

  it('shows a 5 MB body as a tree that opens at once and finds a needle in it', async () => {
    await openai.responses.create({ model: 'gpt-4o', input: 'big' }).catch(() => undefined);
    const row = page.getByRole('row').filter({ hasText: '/v1/responses' }).first();
    await row.waitFor();
    await row.click();
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    await detail.getByRole('tab', { name: 'Response' }).waitFor();
    // A measurement for the closing note, not a timed assertion.
    const started = Date.now();
    await detail.getByRole('tab', { name: 'Response' }).click();
    await detail.getByRole('button', { name: 'Show 100 more of 39900' }).waitFor();
    const openMs = Date.now() - started;
    const searchStarted = Date.now();
    await detail.getByRole('searchbox', { name: 'Search Response body' }).fill('the-one-needle');
    await detail.locator('.json-current').filter({ hasText: 'the-one-needle' }).waitFor();
    const searchMs = Date.now() - searchStarted;
    await ui.shot('devtools-5-json-tree-5mb');
    console.log(
      `JSON viewer, ${(BIG_ANSWER.length / 2 ** 20).toFixed(1)} MB body: tab click to tree ${openMs} ms, search to the hit ${searchMs} ms`,
    );
    await detail.getByRole('button', { name: 'Raw' }).click();
    await expect.poll(() => detail.locator('pre').first().textContent()).toContain('"the-one-needle"');
  }, 60_000);

  it('passes an accessibility audit (no serious or critical axe-core violations) on the main views', async () => {
    const found: string[] = [];
    await page.keyboard.press('Escape');
    found.push(...(await axeSerious(page)).map((v) => `list: ${v}`));
    await page.getByRole('row').filter({ hasText: '/v1/chat/completions' }).first().click();
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    for (const tab of ['Overview', 'Conversation', 'Request', 'Response', 'Replay']) {
      await detail.getByRole('tab', { name: tab }).click();
      found.push(...(await axeSerious(page)).map((v) => `${tab}: ${v}`));
    }
    await page.getByRole('button', { name: 'Usage' }).click();
    found.push(...(await axeSerious(page)).map((v) => `usage: ${v}`));
    await page.getByRole('button', { name: 'Usage' }).click();
    await page.emulateMedia({ colorScheme: 'dark' });
    found.push(...(await axeSerious(page)).map((v) => `dark list: ${v}`));
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual([]);
  }, 120_000);
});

function prefix(theme: string, ratios: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(ratios).map(([k, v]) => [`${theme}: ${k}`, v]));
}
