// @vitest-environment jsdom
/** The Overview tab shows part of the exchange itself: the last user message and the merged answer. */
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { dataRows, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

const HOSTILE = '<img src=x onerror="window.__pwned=1"> <b>bold?</b>';
const LONG_ANSWER = [
  'Line one of the answer.',
  'Line two.',
  HOSTILE,
  'Line four.',
  'Line five, hidden until asked for.',
  'Line six, the last.',
].join('\n');

/** A chat whose request holds two user turns and whose answer runs to six lines, one of them HTML-looking. */
function longRecord(): ExchangeRecord {
  const base = sampleRecords().find((r) => r.id === 'ex-chat');
  if (!base?.merged) throw new Error('no ex-chat sample');
  return {
    ...base,
    id: 'ex-long',
    seq: 8,
    request: {
      ...base.request,
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [
          { role: 'user', content: 'First question' },
          { role: 'assistant', content: 'First answer' },
          { role: 'user', content: 'Second question' },
        ],
      }),
    },
    merged: { ...base.merged, text: LONG_ANSWER },
  };
}

async function overviewOf(id: string) {
  const records = [...sampleRecords(), longRecord()];
  const user = userEvent.setup();
  renderApp(new MemoryApi(records));
  await waitFor(() => expect(dataRows()).toHaveLength(records.length));
  const row = dataRows().find((r) => r.getAttribute('data-id') === id);
  if (!row) throw new Error(`no row ${id}`);
  await user.pointer({ keys: '[MouseLeft]', target: row });
  const detail = await screen.findByRole('region', { name: 'Exchange detail' });
  const asked = within(detail).getByRole('region', { name: 'Last user message' });
  const answer = within(detail).getByRole('region', { name: 'Answer' });
  return { user, asked, answer };
}

describe('overview: what was asked and answered', () => {
  it('shows the last user message and the merged answer of a chat', async () => {
    const { asked, answer } = await overviewOf('ex-chat');
    await waitFor(() => expect(answer.textContent).toContain('The capital of Mexico is Mexico City.'));
    expect(asked.textContent).toContain('What is the capital of Mexico?');
    expect(within(answer).queryByRole('button')).toBeNull();
  });

  it('lists tool calls as the answer', async () => {
    const tools = await overviewOf('ex-tools');
    await waitFor(() => expect(tools.answer.textContent).toMatch(/→ get_weather\(\{"city"/));
    expect(tools.asked.textContent).toContain('Weather in Paris and Tokyo?');
  });

  it('reads the question of an Anthropic Messages request', async () => {
    const claude = await overviewOf('ex-anthropic');
    await waitFor(() => expect(claude.asked.textContent).toContain('Hello, Claude'));
    expect(claude.answer.textContent).not.toContain('no model answer');
  });

  it('shows the first lines, the rest one click away, and captured text as text, never as HTML', async () => {
    const { user, asked, answer } = await overviewOf('ex-long');
    await waitFor(() => expect(answer.textContent).toContain('Line one of the answer.'));
    expect(asked.textContent).toContain('Second question');
    expect(asked.textContent).not.toContain('First question');
    expect(answer.textContent).toContain('Line four.');
    expect(answer.textContent).not.toContain('Line five');
    expect(answer.textContent).toContain(HOSTILE);
    expect(answer.querySelector('img, b')).toBeNull();

    await user.click(within(answer).getByRole('button', { name: /^Show all \(6 lines/ }));
    expect(answer.textContent).toContain('Line six, the last.');
    await user.click(within(answer).getByRole('button', { name: 'Show less' }));
    expect(answer.textContent).not.toContain('Line six');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
