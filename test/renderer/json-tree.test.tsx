// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatPath, searchJson } from '../../renderer/components/json-tree/json-path.ts';
import { TextBodyView as BodyView } from '../../renderer/components/json-tree/text-body-view.tsx';

afterEach(cleanup);

const body = JSON.stringify({
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Find the needle' }] },
  ],
  'x-odd key': true,
  tools: [{ name: 'tool_0' }],
});
const bigArray = JSON.stringify({ tools: Array.from({ length: 250 }, (_, i) => ({ name: `tool_${i}` })) });

function rowTexts(): string[] {
  return [...document.querySelectorAll('.json-row')].map((r) => r.textContent ?? '');
}

describe('JSON body view', () => {
  it('opens to depth 2, toggles nodes, and opens to any depth or all', async () => {
    const user = userEvent.setup();
    render(<BodyView text={body} label="Request body" />);
    expect(rowTexts().some((t) => t.includes('"model": "gpt-4o"'))).toBe(true);
    // Depth 2: messages' items are listed but closed.
    expect(screen.getByRole('button', { name: 'Expand messages[0]' })).toBeTruthy();
    expect(rowTexts().some((t) => t.includes('Be brief.'))).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Expand messages[0]' }));
    expect(rowTexts().some((t) => t.includes('"content": "Be brief."'))).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Collapse messages' }));
    expect(rowTexts().some((t) => t.includes('Be brief.'))).toBe(false);
    await user.click(screen.getByRole('button', { name: 'All' }));
    expect(rowTexts().some((t) => t.includes('"text": "Find the needle"'))).toBe(true);
    await user.click(screen.getByRole('button', { name: 'None' }));
    expect(rowTexts()).toEqual([expect.stringContaining('{…} 4 keys')]);
  });

  it('shows 100 children at a time under a big array', async () => {
    const user = userEvent.setup();
    render(<BodyView text={bigArray} label="Request body" />);
    await user.click(screen.getByRole('button', { name: 'Open to depth 3' }));
    expect(rowTexts().filter((t) => t.includes('"name": "tool_'))).toHaveLength(100);
    await user.click(screen.getByRole('button', { name: 'Show 100 more of 150' }));
    expect(rowTexts().filter((t) => t.includes('"name": "tool_'))).toHaveLength(200);
  });

  it('searches keys and values, opens the current hit, and steps through hits with Enter', async () => {
    const user = userEvent.setup();
    render(<BodyView text={body} label="Request body" />);
    const search = screen.getByRole('searchbox', { name: 'Search Request body' });
    await user.type(search, 'needle');
    expect(screen.getByRole('status').textContent).toBe('1 of 1');
    const current = document.querySelector('.json-current');
    expect(current?.textContent).toContain('Find the needle');
    expect(current?.querySelector('mark')?.textContent).toBe('needle');
    await user.clear(search);
    await user.type(search, 'role');
    expect(screen.getByRole('status').textContent).toBe('1 of 2');
    await user.keyboard('{Enter}');
    expect(screen.getByRole('status').textContent).toBe('2 of 2');
    await user.keyboard('{Shift>}{Enter}{/Shift}');
    expect(screen.getByRole('status').textContent).toBe('1 of 2');
    await user.clear(search);
    await user.type(search, 'zzz');
    expect(screen.getByRole('status').textContent).toBe('no match');
  });

  it('copies a value and its path', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    render(<BodyView text={body} label="Request body" />);
    await user.click(screen.getByRole('button', { name: 'All' }));
    await user.click(screen.getByRole('button', { name: 'Copy path messages[1].content[0].text' }));
    expect(writeText).toHaveBeenLastCalledWith('messages[1].content[0].text');
    await user.click(screen.getByRole('button', { name: 'Copy value of messages[1].content[0].text' }));
    expect(writeText).toHaveBeenLastCalledWith('Find the needle');
    await user.click(screen.getByRole('button', { name: 'Copy path ["x-odd key"]' }));
    expect(writeText).toHaveBeenLastCalledWith('["x-odd key"]');
    await user.click(screen.getByRole('button', { name: 'Copy value of messages[0]' }));
    expect(JSON.parse(writeText.mock.lastCall?.[0] ?? '')).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('has the exact text one click away, and shows text that is not JSON as it is', async () => {
    const user = userEvent.setup();
    const { unmount } = render(<BodyView text={body} label="Request body" />);
    await user.click(screen.getByRole('button', { name: 'Raw' }));
    expect(document.querySelector('pre')?.textContent).toBe(body);
    unmount();
    render(<BodyView text="plain <b>text</b>" label="Response body" />);
    expect(within(document.body).getByText('plain <b>text</b>')).toBeTruthy();
    expect(document.querySelector('b')).toBeNull();
  });

  it('names paths the way code writes them, and caps a search', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['messages', 12, 'content', 1])).toBe('messages[12].content[1]');
    const big = Array.from({ length: 5000 }, () => ({ a: 'x' }));
    const { hits, capped } = searchJson(big, 'x', 1000);
    expect(hits).toHaveLength(1000);
    expect(capped).toBe(true);
  });
});
