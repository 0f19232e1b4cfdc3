// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SHORTCUTS } from '../../renderer/keyboard/shortcuts.ts';
import type { InspectorStore } from '../../renderer/store/inspector-store.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

let store: InspectorStore;
const selected = () => store.getState().selectedId;
const visible = () => store.getState().ids;

async function start() {
  const user = userEvent.setup();
  ({ store } = renderApp(new MemoryApi(sampleRecords())));
  await waitFor(() => expect(visible().length).toBeGreaterThan(2));
  // Keys go to the page, not to a focused control.
  (document.activeElement as HTMLElement | null)?.blur();
  return user;
}

function activeTab(): string {
  const detail = screen.getByRole('region', { name: 'Exchange detail' });
  return (
    within(detail)
      .getAllByRole('tab')
      .find((t) => t.getAttribute('aria-selected') === 'true')?.textContent ?? ''
  );
}

describe('keyboard shortcuts', () => {
  it('j and k move the selection; Enter selects the first row when none is, then focuses the detail', async () => {
    const user = await start();
    expect(selected()).toBeNull();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(selected()).toBe(visible()[0]));
    await user.keyboard('j');
    await waitFor(() => expect(selected()).toBe(visible()[1]));
    await user.keyboard('j');
    await waitFor(() => expect(selected()).toBe(visible()[2]));
    await user.keyboard('k');
    await waitFor(() => expect(selected()).toBe(visible()[1]));
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('tab'));
  });

  it('Esc closes the detail; / focuses the filter, where keys type instead of moving', async () => {
    const user = await start();
    await user.keyboard('j');
    await screen.findByRole('region', { name: 'Exchange detail' });
    await user.keyboard('{Escape}');
    await waitFor(() => expect(selected()).toBeNull());
    expect(screen.queryByRole('region', { name: 'Exchange detail' })).toBeNull();

    await user.keyboard('/');
    const filter = screen.getByRole('combobox');
    expect(document.activeElement).toBe(filter);
    await user.keyboard('jk');
    expect((filter as HTMLInputElement).value).toBe('jk');
    expect(selected()).toBeNull();
  });

  it('[ and ] switch the detail tabs, wrapping around', async () => {
    const user = await start();
    await user.keyboard('j');
    await screen.findByRole('region', { name: 'Exchange detail' });
    expect(activeTab()).toBe('Overview');
    await user.keyboard(']');
    expect(activeTab()).toBe('Conversation');
    await user.keyboard(']');
    expect(activeTab()).toBe('Request');
    await user.keyboard(']]');
    expect(activeTab()).toBe('Replay');
    await user.keyboard(']');
    expect(activeTab()).toBe('Overview');
    await user.keyboard('[[');
    expect(activeTab()).toBe('Replay');
  });

  it('Space plays and pauses playback on the Replay tab', async () => {
    const user = await start();
    await user.keyboard('j');
    await screen.findByRole('region', { name: 'Exchange detail' });
    await user.keyboard('[[');
    await screen.findByRole('button', { name: 'Play' });
    await user.keyboard(' ');
    await waitFor(() => expect(store.getState().playback.playing).toBe(true));
    await user.keyboard(' ');
    await waitFor(() => expect(store.getState().playback.playing).toBe(false));
  });

  it('? lists every shortcut, and Esc closes the list without closing the detail', async () => {
    const user = await start();
    await user.keyboard('j');
    await user.keyboard('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const shortcut of Object.values(SHORTCUTS)) {
      expect(within(dialog).getByText(shortcut.does)).toBeTruthy();
    }
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull());
    expect(selected()).not.toBeNull();
  });
});
