// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';

setupDomTests();

describe('the settings dialog', () => {
  it('edits the web origins allowed to call the proxy, saved with the other settings', async () => {
    const api = new MemoryApi([]);
    const user = userEvent.setup();
    renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Proxy settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Proxy settings' });
    const origins = within(dialog).getByLabelText('Allowed web origins');
    expect((origins as HTMLInputElement).value).toBe('');
    await user.type(origins, ' http://localhost:5173, https://app.example ');
    await user.click(within(dialog).getByRole('button', { name: /Save/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.settingsValue).toMatchObject({
      listenAddr: '127.0.0.1:3000',
      allowedOrigins: 'http://localhost:5173, https://app.example',
    });
  });
});
