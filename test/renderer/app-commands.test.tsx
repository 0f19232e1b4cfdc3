// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppCommand } from '../../shared/contract/inspector-contract.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

/** The memory transport plus the desktop bridge's menu commands. */
class DesktopMemoryApi extends MemoryApi {
  readonly commandListeners = new Set<(command: AppCommand) => void>();
  onCommand(listener: (command: AppCommand) => void): () => void {
    this.commandListeners.add(listener);
    return () => this.commandListeners.delete(listener);
  }
  command(command: AppCommand): void {
    for (const listener of this.commandListeners) listener(command);
  }
}

describe('desktop menu commands', () => {
  it('File → Open Session… opens the session switcher', async () => {
    const api = new DesktopMemoryApi(sampleRecords());
    renderApp(api);
    await waitFor(() => expect(api.commandListeners.size).toBe(1));
    expect(screen.queryByRole('list', { name: 'Sessions' })).toBeNull();
    act(() => api.command({ type: 'sessions.open' }));
    expect(await screen.findByRole('list', { name: 'Sessions' })).toBeTruthy();
    expect(
      screen.getByRole('button', { name: /^Session .*: switch sessions$/ }).getAttribute('aria-expanded'),
    ).toBe('true');
  });

  it('an import from the menu shows the imported session', async () => {
    const api = new DesktopMemoryApi(sampleRecords());
    renderApp(api);
    await waitFor(() => expect(api.commandListeners.size).toBe(1));
    const records = sampleRecords().slice(0, 2);
    const { session } = await api.import.load({
      name: 'imported.jsonl',
      content: records.map((r) => JSON.stringify(r)).join('\n'),
    });
    act(() => api.command({ type: 'sessions.show', session: session.id }));
    const banner = await screen.findByText(/Viewing past session/);
    expect(banner.textContent).toContain('imported');
    expect(api.calls.some((c) => c.channel === 'exchanges.list' && c.args[0] === session.id)).toBe(true);
  });

  it('unsubscribes from commands when the app unmounts; a transport without a menu is fine', async () => {
    const api = new DesktopMemoryApi([]);
    const view = renderApp(api);
    await waitFor(() => expect(api.commandListeners.size).toBe(1));
    view.unmount();
    expect(api.commandListeners.size).toBe(0);
    const plain = new MemoryApi([]);
    renderApp(plain);
    expect(await screen.findByRole('button', { name: /^Session .*: switch sessions$/ })).toBeTruthy();
  });
});
