// @vitest-environment jsdom
/**
 * Routes in the UI: the top bar's base URL per route with copyable client set-up lines, and the
 * routes field of the settings dialog (saved with the other settings, a bad entry shown).
 */
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { clientSetupLines } from '../../renderer/components/top-bar/client-setup.ts';
import type { Settings } from '../../shared/contract/inspector-contract.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';

setupDomTests();

const ROUTES = [
  { name: 'openai', url: 'https://api.openai.com' },
  { name: 'anthropic', url: 'https://api.anthropic.com' },
  { name: 'gemini', url: 'https://generativelanguage.googleapis.com' },
  { name: 'ollama', url: 'http://127.0.0.1:11434' },
  { name: 'groq', url: 'https://api.groq.com/openai' },
];

describe('client set-up lines', () => {
  it('one per client, each with the base URL of its route', () => {
    expect(clientSetupLines('http://127.0.0.1:3000', ROUTES).map((l) => [l.clients, l.line])).toEqual([
      ['Claude Code, Anthropic SDK', 'ANTHROPIC_BASE_URL=http://127.0.0.1:3000/anthropic'],
      ['Codex CLI, OpenAI SDKs', 'OPENAI_BASE_URL=http://127.0.0.1:3000/openai/v1'],
      ['Gemini CLI, Google GenAI SDK', 'GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:3000/gemini'],
      ['Ollama', 'OLLAMA_HOST=http://127.0.0.1:3000/ollama'],
      ['curl', expect.stringMatching(/^curl http:\/\/127\.0\.0\.1:3000\/openai\/v1\/chat\/completions /)],
    ]);
  });
});

describe('the top bar', () => {
  it('shows a base URL per route and set-up lines, each to copy', async () => {
    const api = new MemoryApi([]);
    api.routeList = ROUTES;
    const user = userEvent.setup();
    renderApp(api);
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    expect(await screen.findByText('http://127.0.0.1:3000/v1')).toBeDefined();
    await user.click(screen.getByRole('button', { name: 'Routes and client set-up' }));
    const table = screen.getByRole('table', { name: 'Routes' });
    expect(within(table).getByRole('row', { name: /groq/ }).textContent).toContain(
      'http://127.0.0.1:3000/groq',
    );
    expect(within(table).getByRole('row', { name: /groq/ }).textContent).toContain(
      '→ https://api.groq.com/openai',
    );
    await user.click(within(table).getByRole('button', { name: 'Copy anthropic base URL' }));
    expect(writeText).toHaveBeenLastCalledWith('http://127.0.0.1:3000/anthropic');
    await user.click(within(table).getByRole('button', { name: 'Copy openai base URL' }));
    expect(writeText).toHaveBeenLastCalledWith('http://127.0.0.1:3000/openai/v1');

    const lines = screen.getByRole('list', { name: 'Set-up lines' });
    expect(within(lines).getByText('OPENAI_BASE_URL=http://127.0.0.1:3000/openai/v1')).toBeDefined();
    await user.click(screen.getByRole('button', { name: 'Copy Gemini CLI, Google GenAI SDK set-up line' }));
    expect(writeText).toHaveBeenLastCalledWith('GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:3000/gemini');
  });
});

describe('the settings dialog', () => {
  it('edits the routes, saved with the other settings; a refused entry shows its error', async () => {
    const api = new MemoryApi([]);
    api.settingsValue = { ...api.settingsValue, routes: 'groq=https://api.groq.com/openai' };
    const update = api.settings.update;
    api.settings = {
      update: async (settings: Settings) => {
        if (settings.routes?.includes('ftp:'))
          throw new Error(
            'Routes: route "x=ftp://x": Invalid upstream "ftp://x": only http and https are supported',
          );
        return update(settings);
      },
    };
    const user = userEvent.setup();
    renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Proxy settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Proxy settings' });
    const routes = within(dialog).getByLabelText('Routes') as HTMLInputElement;
    expect(routes.value).toBe('groq=https://api.groq.com/openai');
    await user.type(routes, ',x=ftp://x');
    await user.click(within(dialog).getByRole('button', { name: /Save/ }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('route "x=ftp://x"');
    await user.clear(routes);
    await user.type(routes, ' mine=http://127.0.0.1:9000 ');
    await user.click(within(dialog).getByRole('button', { name: /Save/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.settingsValue).toMatchObject({ routes: 'mine=http://127.0.0.1:9000' });
  });
});
