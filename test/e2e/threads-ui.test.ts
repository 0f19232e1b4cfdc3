/**
 * Issue 14's UI end to end, in real Chromium against `npm run serve`'s entry: an agent's
 * three-turn conversation through the proxy with the official OpenAI SDK (a tool call and its
 * result, then a system prompt edit that makes the provider's cache miss), then the Threads view
 * (the thread, its turns, a turn's delta, the cache verdict and reason, the context breakdown),
 * the Conversation tab and a side-by-side diff, in both themes, with an accessibility audit.
 * Screenshots go to test-results/e2e/threads-*.png.
 */
import type OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious } from '../support/axe-audit.ts';
import type { RecordedRequest } from '../support/fake-upstream.ts';
import { chromiumOrWarn, startUiApp, type UiApp } from '../support/ui-app.ts';

const executable = chromiumOrWarn('the Threads UI tests');

let ui: UiApp;
let page: Page;
let openai: OpenAI;

const RULES = Array.from(
  { length: 60 },
  (_, i) => `Rule ${i + 1}: keep changes small, run the tests, and explain what you did in one line.`,
).join('\n');
const system = (day: string) => `You are a coding agent working in /repo. Today is ${day}.\n${RULES}`;
const TEST_OUTPUT = `FAIL src/math.test.ts\n  add(2, 2)\n    expected 4, received 5\n${'  at Object.<anonymous> (src/math.test.ts:3:18)\n'.repeat(80)}`;
const SUB_AGENT_SYSTEM = 'You are a search sub-agent.';
const SUB_AGENT_PROMPT = 'Find where add() is defined and report the file.';
const HOSTILE =
  'Fix the failing test. <img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=2)';

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'bash',
      description: 'Run a shell command in the repository',
      parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    },
  },
];

/** What the upstream answers each turn: turn 1 a tool call, then text; cached tokens as a real prompt cache would report them. */
function answer(request: RecordedRequest) {
  const body = request.json() as { messages: { role: string; content: unknown }[] };
  if (String(body.messages[0]?.content).startsWith(SUB_AGENT_SYSTEM)) return subAgentAnswer();
  const turn =
    body.messages.filter((m) => m.role === 'user').length +
    (body.messages.some((m) => m.role === 'tool') ? 1 : 0);
  const edited = String(body.messages[0]?.content).includes('Tuesday');
  const message =
    turn === 1
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'bash', arguments: '{"command":"npm test"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'task', arguments: JSON.stringify({ prompt: SUB_AGENT_PROMPT }) },
            },
          ],
        }
      : {
          role: 'assistant',
          content: edited
            ? 'All **green** now: `npm test` passes. See [the Vitest docs](https://vitest.dev/guide/).'
            : 'The test expects `add(2, 2)` to be **4**; the bug is an off-by-one in `add`.',
        };
  const prompt = turn === 1 ? 1500 : turn === 2 ? 3400 : 3600;
  const cached = turn === 2 ? 1408 : 0;
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `chatcmpl-turn${turn}`,
      object: 'chat.completion',
      created: 1764600000 + turn,
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message, finish_reason: turn === 1 ? 'tool_calls' : 'stop' }],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: 40,
        total_tokens: prompt + 40,
        prompt_tokens_details: { cached_tokens: cached },
      },
    }),
  };
}

/** The sub-agent's one answer. */
function subAgentAnswer() {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'chatcmpl-sub',
      object: 'chat.completion',
      created: 1764600001,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: '`add` is in src/math.ts, line 1.' },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 1100,
        completion_tokens: 12,
        total_tokens: 1112,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    }),
  };
}

/** The main thread's messages as the last turn sent them. */
let conversation: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [];

async function agentConversation(): Promise<void> {
  const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
    { role: 'system', content: system('Monday') },
    { role: 'user', content: HOSTILE },
  ];
  const first = await openai.chat.completions.create({ model: 'gpt-4o', messages, tools });
  const call = first.choices[0]?.message;
  if (!call) throw new Error('no first answer');
  messages.push(call as OpenAI.Chat.Completions.ChatCompletionMessageParam);
  // The task tool runs a sub-agent: a conversation of its own whose first message is the tool's prompt.
  const sub = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: `${SUB_AGENT_SYSTEM} Answer with a file and line.` },
      { role: 'user', content: SUB_AGENT_PROMPT },
    ],
  });
  messages.push({ role: 'tool', tool_call_id: 'call_1', content: TEST_OUTPUT });
  messages.push({ role: 'tool', tool_call_id: 'call_2', content: sub.choices[0]?.message.content ?? '' });
  const second = await openai.chat.completions.create({ model: 'gpt-4o', messages, tools });
  messages.push({ role: 'assistant', content: second.choices[0]?.message.content ?? '' });
  messages.push({ role: 'user', content: 'Fix it, then run the tests again.' });
  // The harness changed the date in its system prompt: the provider's cache cannot reuse anything.
  messages[0] = { role: 'system', content: system('Tuesday') };
  const third = await openai.chat.completions.create({ model: 'gpt-4o', messages, tools });
  messages.push({ role: 'assistant', content: third.choices[0]?.message.content ?? '' });
  conversation = messages;
}

async function inTheme(theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
}

describe.skipIf(!executable)('threads, turns, the conversation and a diff, in Chromium', () => {
  beforeAll(async () => {
    ui = await startUiApp(executable as string, {
      sdkKey: 'sk-proj-threadsTESTkey0123456789abcdefWXYZ',
      routes(upstream) {
        upstream.respond('POST /v1/chat/completions', answer);
      },
    });
    ({ page, openai } = ui);
    await agentConversation();
    await page.getByRole('row').filter({ hasText: '/v1/chat/completions' }).nth(3).waitFor();
  }, 90_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('reads the conversation as a person does, with hostile text left inert', async () => {
    const rows = page.getByRole('row').filter({ hasText: '/v1/chat/completions' });
    await rows.nth(3).click();
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    await detail.getByRole('tab', { name: 'Conversation' }).click();
    const messages = detail.getByRole('list', { name: 'Messages' });
    await messages.waitFor();
    expect(await messages.locator('.chat-role').allTextContents()).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(await detail.getByRole('group', { name: 'Tool call task' }).textContent()).toContain(
      'src/math.ts',
    );
    const call = detail.getByRole('group', { name: 'Tool call bash' });
    expect(await call.textContent()).toContain('"command": "npm test"');
    expect(await call.textContent()).toContain('expected 4, received 5');
    const answer = messages.locator('[data-place="answer"]');
    expect(await answer.locator('strong').textContent()).toBe('green');
    expect(await answer.getByRole('link', { name: 'the Vitest docs' }).getAttribute('target')).toBe('_blank');
    // The hostile user text: no element from its HTML, no script link, nothing ran.
    expect(await messages.locator('img').count()).toBe(0);
    expect(await messages.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await ui.shot('threads-6-conversation-light');
    await inTheme('dark');
    await ui.shot('threads-7-conversation-dark');
    expect(await axeSerious(page)).toEqual([]);
    await inTheme('light');
  });
  it('compares any two rows side by side (Ctrl-click the second), by path', async () => {
    const rows = page.getByRole('row').filter({ hasText: '/v1/chat/completions' });
    await rows.nth(2).click();
    await rows.nth(3).click({ modifiers: ['Control'] });
    const compare = page.getByRole('region', { name: 'Compare exchanges' });
    const table = compare.getByRole('table', { name: 'Request body differences' });
    await table.waitFor();
    const system = table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: /messages\[0\]\.content/ }) });
    expect(await system.getAttribute('class')).toContain('diff-changed');
    expect(await system.locator('.diff-mark-before').textContent()).toBe('Mon');
    expect(await system.locator('.diff-mark-after').textContent()).toBe('Tues');
    const added = table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: /^added:\s*messages\[6\]$/ }) });
    expect(await added.textContent()).toContain('Fix it, then run the tests again.');
    expect(await compare.getByRole('button', { name: /unchanged values/ }).count()).toBeGreaterThan(0);
    await ui.shot('threads-4-diff-light');
    await inTheme('dark');
    await ui.shot('threads-5-diff-dark');
    expect(await axeSerious(page)).toEqual([]);
    await inTheme('light');
    await compare.getByRole('button', { name: 'Close comparison' }).click();
  });

  it('shows the thread with its three turns, tokens per turn and cost', async () => {
    await inTheme('light');
    await page.getByRole('button', { name: 'Threads', exact: true }).click();
    const tree = page.getByRole('list', { name: 'Threads' });
    await tree.getByRole('button', { name: /Fix the failing test/ }).waitFor();
    // The sub-agent sits under the thread whose tool call started it.
    const subAgents = tree.getByRole('list', { name: /^Sub-agents of Fix the failing test/ });
    await expect
      .poll(() => subAgents.getByRole('button').textContent())
      .toContain('sub-agent · Find where add()');
    const thread = page.getByRole('region', { name: 'Thread' });
    await expect.poll(() => thread.getByRole('table', { name: 'Turns' }).getByRole('row').count()).toBe(4);
    const chart = thread.getByRole('img', { name: /Tokens per turn over 3 turns/ });
    expect(await chart.getAttribute('aria-label')).toContain('Cached input: 1,408 tokens');
    const rows = thread.getByRole('table', { name: 'Turns' }).getByRole('row');
    expect(await rows.nth(2).textContent()).toContain('1,408');
    expect(await rows.nth(3).textContent()).toContain('cache miss');
    await ui.shot('threads-1-thread-light');
  });

  it('shows a turn: what was appended, the system prompt edit by place, the cache miss and why, the context breakdown', async () => {
    const panel = page.getByRole('region', { name: 'Turn 3' });
    await panel.waitFor();
    const appended = panel.getByRole('table', { name: 'Appended messages' });
    await expect.poll(() => appended.textContent()).toContain('Fix it, then run the tests again.');
    const changed = panel.getByRole('list', { name: 'Changed earlier in the prefix' });
    // Named by its place: the system prompt (`system`, or the system message `messages[0]…`).
    expect(await changed.locator('code').first().textContent()).toMatch(/^(system|messages\[0\])/);
    expect(await changed.locator('.diff-mark-after').first().textContent()).toBe('Tues');
    const cache = panel.locator('section.cache-verdict');
    expect(await cache.getByRole('heading').textContent()).toContain('cache miss');
    expect(await cache.locator('.cache-reason').textContent()).toMatch(/Why: .+/);
    const diverged = cache.getByRole('group', { name: /^Diverged at (system|messages\[0\])/ });
    expect(await diverged.locator('.diff-mark-before').textContent()).toBe('Mon');
    expect(await diverged.locator('.diff-mark-after').textContent()).toBe('Tues');
    const parts = panel.getByRole('list', { name: 'Context by part' });
    expect(await parts.textContent()).toContain('System prompt');
    expect(await panel.getByRole('table', { name: 'Largest items' }).textContent()).toContain('Tool results');
    await panel.locator('section.cache-verdict').scrollIntoViewIfNeeded();
    await ui.shot('threads-2-turn-light');
    await inTheme('dark');
    await ui.shot('threads-3-turn-dark');
    await panel.locator('section.context-breakdown').scrollIntoViewIfNeeded();
    await ui.shot('threads-3b-context-dark');
    await inTheme('light');
    await ui.shot('threads-3c-context-light');
    await inTheme('dark');
    expect(await axeSerious(page)).toEqual([]);
    await inTheme('light');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('opens the diff with the previous turn from the thread', async () => {
    const panel = page.getByRole('region', { name: 'Turn 3' });
    await panel.getByRole('button', { name: 'Diff with previous turn' }).click();
    const compare = page.getByRole('region', { name: 'Compare exchanges' });
    await compare.getByRole('table', { name: 'Request body differences' }).waitFor();
    expect(await compare.getByRole('heading', { level: 2 }).textContent()).toMatch(/^#3 .* ↔ #4 /);
    await compare.getByRole('button', { name: 'Close comparison' }).click();
  });

  it('follows new turns live and works from the keyboard', async () => {
    await page.getByRole('button', { name: 'Threads', exact: true }).click();
    const turns = page.getByRole('region', { name: 'Thread' }).getByRole('table', { name: 'Turns' });
    await expect.poll(() => turns.getByRole('row').count()).toBe(4);
    const last = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [...conversation, { role: 'user', content: 'And commit it.' }],
      tools,
    });
    expect(last.choices[0]?.message.content).toBeTruthy();
    // The view reads the threads again as the new exchange arrives: no reload, no click.
    await expect.poll(() => turns.getByRole('row').count()).toBe(5);
    // From the keyboard: Tab reaches the turn buttons, Enter picks one.
    await page.getByRole('button', { name: 'Turn 1', exact: true }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Turn 2' }).waitFor();
    expect(await page.getByRole('button', { name: 'Turn 2', exact: true }).getAttribute('aria-pressed')).toBe(
      'true',
    );
  });

  it('moves with j/k and the arrow keys through what the Threads view shows, in order, with the focus on it', async () => {
    await page.getByRole('button', { name: 'Threads', exact: true }).click();
    const tree = page.getByRole('list', { name: 'Threads' });
    const nodes = tree.locator('.thread-node');
    await expect.poll(() => nodes.count()).toBe(2);
    // As shown: the thread, then its sub-agent under it.
    const shown = await nodes.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.threadId ?? ''));
    const selected = () => tree.locator('.thread-node[aria-current="true"]').getAttribute('data-thread-id');
    const focused = () =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.threadId ?? null);
    const listSelection = () => page.locator('.list-pane [aria-selected="true"]').allTextContents();
    const hiddenBefore = await listSelection();
    await nodes.first().click();
    await page.keyboard.press('j');
    await expect.poll(selected).toBe(shown[1]);
    expect(await focused()).toBe(shown[1]);
    expect(await page.evaluate(() => document.activeElement?.matches(':focus-visible'))).toBe(true);
    await ui.shot('threads-8-keyboard-light');
    // At the end of what is shown it stays; up goes back.
    await page.keyboard.press('ArrowDown');
    await expect.poll(selected).toBe(shown[1]);
    await page.keyboard.press('k');
    await expect.poll(selected).toBe(shown[0]);
    expect(await focused()).toBe(shown[0]);
    // The hidden request list did not move.
    expect(await listSelection()).toEqual(hiddenBefore);
    // From a turn, the keys move through the turns.
    const turns = page.getByRole('region', { name: 'Thread' }).getByRole('table', { name: 'Turns' });
    await expect.poll(() => turns.getByRole('row').count()).toBe(5);
    await page.getByRole('button', { name: 'Turn 1', exact: true }).click();
    await page.keyboard.press('j');
    await page.getByRole('region', { name: 'Turn 2' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('region', { name: 'Turn 3' }).waitFor();
    expect(
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label')),
    ).toBe('Turn 3');
    await inTheme('dark');
    await ui.shot('threads-9-keyboard-turns-dark');
    await inTheme('light');
    expect(await selected()).toBe(shown[0]);
  });
});
