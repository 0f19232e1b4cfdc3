// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { applyTheme, savedTheme } from '../../renderer/theme/theme.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

describe('theme toggle', () => {
  it('cycles system → light → dark → system, pins the page and remembers the choice', async () => {
    localStorage.removeItem('tokentap.theme');
    applyTheme(savedTheme(), false);
    const user = userEvent.setup();
    renderApp(new MemoryApi(sampleRecords()));
    const root = document.documentElement;
    expect(root.dataset.theme).toBeUndefined();

    await user.click(await screen.findByRole('button', { name: /^System theme/ }));
    expect(root.dataset.theme).toBe('light');
    expect(localStorage.getItem('tokentap.theme')).toBe('light');

    await user.click(screen.getByRole('button', { name: /^Light theme/ }));
    expect(root.dataset.theme).toBe('dark');
    expect(savedTheme()).toBe('dark');

    await user.click(screen.getByRole('button', { name: /^Dark theme/ }));
    expect(root.dataset.theme).toBeUndefined();
    expect(savedTheme()).toBe('system');
  });

  it('ignores a stored value it does not know', () => {
    localStorage.setItem('tokentap.theme', 'neon');
    expect(savedTheme()).toBe('system');
  });
});
