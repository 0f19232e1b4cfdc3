// @vitest-environment jsdom
/**
 * The Threads view beside the request list: threads with their sub-agents as a tree, the picked
 * thread's turns (tokens stacked per turn, cost, verdict), and one turn in depth: its delta, the
 * cache verdict with its reason and the diverged values side by side, the context breakdown.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { ThreadDetail, ThreadListItem, ThreadTurn } from '../../shared/threads/thread-types.ts';
import { dataRows, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

const totals = {
  inputTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  costUsd: null,
};

const main: ThreadListItem = {
  id: 'thr_main',
  parentId: null,
  childIds: ['thr_sub'],
  title: 'Fix the failing test',
  turns: 3,
  providers: ['anthropic'],
  models: ['claude-sonnet-4-5'],
  apis: ['anthropic.messages'],
  firstAt: '2026-11-26T19:30:00.000Z',
  lastAt: '2026-11-26T19:31:00.000Z',
  totals: {
    ...totals,
    inputTokens: 9000,
    cachedTokens: 4000,
    outputTokens: 300,
    totalTokens: 9300,
    costUsd: 0.0123,
  },
};
const sub: ThreadListItem = {
  ...main,
  id: 'thr_sub',
  parentId: 'thr_main',
  childIds: [],
  title: 'Search the repo for the helper',
  turns: 1,
};
const other: ThreadListItem = { ...main, id: 'thr_other', childIds: [], title: 'Unrelated chat', turns: 1 };

const usage = (input: number, cached: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cachedTokens: cached,
  reasoningTokens: null,
  totalTokens: input + output,
});

function turn(n: number, exchangeId: string, rest: Partial<ThreadTurn>): ThreadTurn {
  return {
    turn: n,
    exchangeId,
    startedAt: `2026-11-26T19:30:${String(n * 10).padStart(2, '0')}.000Z`,
    api: 'anthropic.messages',
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    state: 'complete',
    usage: null,
    costUsd: null,
    delta: null,
    cache: null,
    context: null,
    ...rest,
  };
}

const detail: ThreadDetail = {
  thread: main,
  turns: [
    turn(1, 'ex-chat', { usage: usage(2000, 0, 100), costUsd: 0.004 }),
    turn(2, 'ex-tools', { usage: usage(3000, 2000, 100), costUsd: 0.003 }),
    turn(3, 'ex-cut', {
      usage: usage(4000, 0, 100),
      costUsd: 0.0053,
      delta: {
        previousExchangeId: 'ex-tools',
        link: 'session-id',
        appended: [
          {
            at: 'messages[3]',
            kind: 'echoed-answer',
            role: 'assistant',
            preview: 'I will run the tests.',
            chars: 40,
          },
          {
            at: 'messages[4]',
            kind: 'tool-result',
            role: 'user',
            preview: 'FAIL src/a.test.ts',
            chars: 41000,
          },
        ],
        changed: [
          {
            at: 'system',
            change: 'changed',
            before: '"You are Claude Code. Today is Monday."',
            after: '"You are Claude Code. Today is Tuesday."',
          },
        ],
        compacted: false,
        modelChanged: null,
        sincePreviousMs: 12_000,
      },
      cache: {
        verdict: 'miss',
        readTokens: 0,
        writeTokens: 0,
        write5mTokens: null,
        write1hTokens: null,
        inputTokens: 4000,
        hitRatio: 0,
        divergedAt: 'system',
        diverged: {
          before: '"You are Claude Code. Today is Monday."',
          after: '"You are Claude Code. Today is Tuesday."',
        },
        reason: {
          kind: 'prefix-changed',
          message: 'The system prompt changed since turn 2, so nothing after it could be reused.',
        },
        ttlMs: 300_000,
      },
      context: {
        estimate: true,
        tokenizer: 'o200k_base',
        scaledTo: 4000,
        parts: { system: 500, tools: 1000, messages: 300, toolResults: 2200, images: 0 },
        largest: [
          {
            at: 'messages[4].content[0]',
            part: 'toolResults',
            tokens: 2100,
            chars: 41000,
            preview: 'FAIL src/a.test.ts',
          },
          { at: 'tools[0]', part: 'tools', tokens: 600, chars: 2400, preview: '{"name":"Bash"' },
        ],
      },
    }),
  ],
};

/** A MemoryApi with the contract's threads methods answering from the fixtures above. */
class ThreadsApi extends MemoryApi {
  override readonly threads = {
    list: async (_session: string | null): Promise<ThreadListItem[]> => [main, sub, other],
    get: async (id: string, _session: string | null): Promise<ThreadDetail | null> =>
      id === main.id ? detail : id === sub.id ? { thread: sub, turns: [turn(1, 'ex-anthropic', {})] } : null,
  };
}

async function openThreads() {
  const user = userEvent.setup();
  const records: ExchangeRecord[] = sampleRecords();
  renderApp(new ThreadsApi(records));
  await waitFor(() => expect(dataRows()).toHaveLength(records.length));
  await user.click(screen.getByRole('button', { name: 'Threads' }));
  const tree = await screen.findByRole('list', { name: 'Threads' });
  return { user, tree };
}

describe('the Threads view', () => {
  it('lists threads with sub-agents nested under their parent, and shows the picked thread', async () => {
    const { user, tree } = await openThreads();
    expect(screen.getByRole('button', { name: 'Threads' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByRole('grid', { name: 'Requests' })).toBeNull();
    const subAgents = within(tree).getByRole('list', { name: 'Sub-agents of Fix the failing test' });
    expect(within(subAgents).getByRole('button').textContent).toContain(
      'sub-agent · Search the repo for the helper',
    );
    // Top-level threads newest first; the sub-agent is not repeated at the top level.
    const top = within(tree)
      .getAllByRole('button')
      .map((b) => b.querySelector('.thread-title')?.textContent);
    expect(top).toEqual([
      'Unrelated chat',
      'Fix the failing test',
      'sub-agent · Search the repo for the helper',
    ]);
    await user.click(within(tree).getByRole('button', { name: /Fix the failing test/ }));
    const thread = await screen.findByRole('region', { name: 'Thread' });
    await within(thread).findByRole('heading', { name: 'Fix the failing test', level: 2 });
    expect(
      within(thread)
        .getByRole('img', { name: /Tokens per turn over 3 turns/ })
        .getAttribute('aria-label'),
    ).toContain('Cached input: 2,000 tokens; Uncached input: 7,000 tokens; Output: 300 tokens');
    const rows = within(within(thread).getByRole('table', { name: 'Turns' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('02,000100$0.00400'),
      expect.stringContaining('2,0001,000100$0.00300'),
      expect.stringContaining('cache miss+2, 1 changed'),
    ]);
  });

  it('shows a turn: appended messages, the changed system prompt and the cache miss with its reason side by side, the context breakdown', async () => {
    const { user, tree } = await openThreads();
    await user.click(within(tree).getByRole('button', { name: /Fix the failing test/ }));
    // The latest turn is shown until another is picked.
    const panel = await screen.findByRole('region', { name: 'Turn 3' });
    const appended = within(panel).getByRole('table', { name: 'Appended messages' });
    expect(
      within(appended)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual([
      'PlaceKindStartCharacters',
      'messages[3]echoed answerI will run the tests.40',
      'messages[4]tool-resultFAIL src/a.test.ts41,000',
    ]);
    const changed = within(panel).getByRole('list', { name: 'Changed earlier in the prefix' });
    const sides = within(changed).getByRole('group', { name: 'system, previous and this turn' });
    expect(sides.querySelector('.diff-mark-before')?.textContent).toBe('Mon');
    expect(sides.querySelector('.diff-mark-after')?.textContent).toBe('Tues');

    const cache = within(panel)
      .getByRole('heading', { name: /Prompt cache: cache miss/ })
      .closest('section') as HTMLElement;
    expect(cache.textContent).toContain('Why: The system prompt changed since turn 2');
    expect(cache.textContent).toContain('The prefix first differs from the previous turn at system');
    expect(within(cache).getByRole('group', { name: 'Diverged at system' }).textContent).toContain(
      'Today is Tuesday',
    );

    const context = within(panel).getByRole('list', { name: 'Context by part' });
    expect(
      within(context)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'System prompt: 500 tokens (13%)',
      'Tool definitions: 1,000 tokens (25%)',
      'Messages: 300 tokens (8%)',
      'Tool results: 2,200 tokens (55%)',
      'Images: 0 tokens (0%)',
    ]);
    expect(within(panel).getByText(/scaled to the 4,000 input tokens reported/)).toBeTruthy();
    const largest = within(panel).getByRole('table', { name: 'Largest items' });
    expect(within(largest).getAllByRole('row')[1]?.textContent).toContain(
      'messages[4].content[0]Tool results2,10041,000',
    );

    // Another turn, from the keyboard: its button in the table.
    const turnTwo = screen.getByRole('button', { name: 'Turn 2' });
    turnTwo.focus();
    await user.keyboard('{Enter}');
    expect(turnTwo.getAttribute('aria-pressed')).toBe('true');
    const second = screen.getByRole('region', { name: 'Turn 2' });
    expect(second.textContent).toContain('No delta recorded for this turn.');
  });

  it('"Diff with previous turn" goes back to the requests with the two turns side by side', async () => {
    const { user, tree } = await openThreads();
    await user.click(within(tree).getByRole('button', { name: /Fix the failing test/ }));
    const panel = await screen.findByRole('region', { name: 'Turn 3' });
    await user.click(within(panel).getByRole('button', { name: 'Diff with previous turn' }));
    const compare = await screen.findByRole('region', { name: 'Compare exchanges' });
    expect(screen.getByRole('grid', { name: 'Requests' })).toBeTruthy();
    expect(within(compare).getByRole('heading', { level: 2 }).textContent).toMatch(/^#2 .* ↔ #6 /);
    await within(compare).findByRole('table', { name: 'Request body differences' });
  });
});
