// @vitest-environment jsdom
/**
 * Any two exchanges side by side: the structural diff by path (changed, added, removed, long
 * unchanged runs folded), picked with Ctrl/⌘-click on a second row or with "Compare with…" and the
 * keyboard.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonDiff, stringDifference } from '../../renderer/components/diff/json-diff.ts';
import { dataRows, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

describe('jsonDiff', () => {
  it('names each change by its path, in document order, and folds long unchanged runs', () => {
    const tools = Array.from({ length: 20 }, (_, i) => ({ name: `tool_${i}`, description: `Tool ${i}` }));
    const before = {
      model: 'gpt-4o',
      temperature: 0.2,
      tools,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ],
    };
    const after = {
      model: 'gpt-4o',
      tools,
      messages: [
        { role: 'system', content: 'You are verbose.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
    };
    const diff = jsonDiff(before, after);
    expect([diff.changed, diff.added, diff.removed]).toEqual([1, 1, 1]);
    const shown = diff.lines.map((line) =>
      line.kind === 'fold' ? `fold ${line.rows.length}` : `${line.kind} ${line.path}`,
    );
    expect(shown).toEqual([
      // model and 39 tools unchanged before the first change: folded, two rows of context kept.
      'fold 40',
      'same tools[19].description',
      'same messages[0].role',
      'changed messages[0].content',
      'same messages[1].role',
      'same messages[1].content',
      'added messages[2]',
      // temperature is gone from the right side: listed at the end of the object it left.
      'removed temperature',
    ]);
    const changed = diff.lines.find((l) => l.kind === 'changed');
    expect(changed).toMatchObject({ before: '"You are terse."', after: '"You are verbose."' });
  });

  it('finds where two strings differ, also in windows cut at the same length (their ends do not line up)', () => {
    const rules = ' Rule 1: keep changes small, run the tests.'.repeat(10);
    expect(stringDifference(`Today is Monday.${rules}`, `Today is Tuesday.${rules}`)).toMatchObject({
      head: 'Today is ',
      left: 'Mon',
      right: 'Tues',
    });
    // Both cut to 120 characters: the one-character shift leaves no common end.
    const cut = (text: string) => `${text.slice(0, 120)}…`;
    const d = stringDifference(cut(`Today is Monday.${rules}`), cut(`Today is Tuesday.${rules}`));
    expect([d.head, d.left, d.right]).toEqual(['Today is ', 'Mon', 'Tues']);
    expect(d.leftTail.startsWith('day. Rule 1')).toBe(true);
    expect(d.rightTail.startsWith('day. Rule 1')).toBe(true);
  });

  it('diffs values that are not both objects as one root change', () => {
    expect(jsonDiff('a', 'b').lines).toEqual([
      { kind: 'changed', path: '(root)', before: '"a"', after: '"b"' },
    ]);
    expect(jsonDiff([1], [1]).changed).toBe(0);
  });
});

async function start() {
  const user = userEvent.setup();
  const records = sampleRecords();
  renderApp(new MemoryApi(records));
  await waitFor(() => expect(dataRows()).toHaveLength(records.length));
  const row = (id: string) => {
    const found = dataRows().find((r) => r.getAttribute('data-id') === id);
    if (!found) throw new Error(`no row ${id}`);
    return found;
  };
  return { user, row };
}

describe('comparing two exchanges in the app', () => {
  it('Ctrl-click on a second row shows both side by side, the selection staying on the first', async () => {
    const { user, row } = await start();
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-chat') });
    await screen.findByRole('region', { name: 'Exchange detail' });
    await user.keyboard('{Control>}');
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-tools') });
    await user.keyboard('{/Control}');
    const panel = await screen.findByRole('region', { name: 'Compare exchanges' });
    expect(row('ex-chat').getAttribute('aria-selected')).toBe('true');
    expect(row('ex-tools').getAttribute('aria-selected')).toBe('false');
    const table = await within(panel).findByRole('table', { name: 'Request body differences' });
    const changed = within(table)
      .getByRole('rowheader', { name: /messages\[1\]\.content/ })
      .closest('tr');
    expect(changed?.className).toContain('diff-changed');
    expect(changed?.textContent).toContain('Mexico');
    expect(changed?.textContent).toContain('Paris and Tokyo');
    const added = within(table)
      .getByRole('rowheader', { name: /^added:\s*tools$/ })
      .closest('tr');
    expect(added?.textContent).toContain('get_weather');
    // The headings name both sides; the answers are compared too.
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Path', '#1 gpt-4o-2024-08-06', '#2 gpt-4o-2024-08-06']);
    expect(within(panel).getByRole('table', { name: 'Merged answer differences' })).toBeTruthy();
    await user.click(within(panel).getByRole('button', { name: 'Swap sides' }));
    expect(
      within(within(panel).getByRole('table', { name: 'Request body differences' }))
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Path', '#2 gpt-4o-2024-08-06', '#1 gpt-4o-2024-08-06']);
    await user.click(within(panel).getByRole('button', { name: 'Close comparison' }));
    expect(await screen.findByRole('region', { name: 'Exchange detail' })).toBeTruthy();

    // A plain click on a row while comparing goes back to that row's detail.
    await user.keyboard('{Control>}');
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-tools') });
    await user.keyboard('{/Control}');
    await screen.findByRole('region', { name: 'Compare exchanges' });
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-responses') });
    expect(await screen.findByRole('region', { name: 'Exchange detail' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Compare exchanges' })).toBeNull();
    expect(row('ex-responses').getAttribute('aria-selected')).toBe('true');

    // Esc closes the detail and the comparison with it: the next row picked shows its detail.
    await user.keyboard('{Control>}');
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-chat') });
    await user.keyboard('{/Control}');
    await screen.findByRole('region', { name: 'Compare exchanges' });
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Compare exchanges' })).toBeNull());
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-chat') });
    expect(await screen.findByRole('region', { name: 'Exchange detail' })).toBeTruthy();
  });

  it('"Compare with…" then a plain click, or the keyboard, picks the other side', async () => {
    const { user, row } = await start();
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-chat') });
    const detail = await screen.findByRole('region', { name: 'Exchange detail' });
    await user.click(within(detail).getByRole('button', { name: 'Compare with…' }));
    await user.pointer({ keys: '[MouseLeft]', target: row('ex-cut') });
    let panel = await screen.findByRole('region', { name: 'Compare exchanges' });
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toMatch(/^#1 gpt-4o\S* ↔ #6 gpt-4o/);
    await user.click(within(panel).getByRole('button', { name: 'Close comparison' }));

    // The keyboard alone: Compare with…, move with j, confirm.
    await user.click(screen.getByRole('button', { name: 'Compare with…' }));
    const confirm = screen.getByRole('button', { name: 'Compare with the selected row' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard('j');
    await waitFor(() => expect(row('ex-tools').getAttribute('aria-selected')).toBe('true'));
    await user.click(screen.getByRole('button', { name: 'Compare with the selected row' }));
    panel = await screen.findByRole('region', { name: 'Compare exchanges' });
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toMatch(/^#1 gpt-4o\S* ↔ #2 gpt-4o/);
  });
});
