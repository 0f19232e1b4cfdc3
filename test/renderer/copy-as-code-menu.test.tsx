// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

async function openCopyAs() {
  const user = userEvent.setup();
  renderApp(new MemoryApi(sampleRecords()));
  const grid = await screen.findByRole('grid', { name: 'Requests' });
  const row = await waitFor(() => {
    const found = within(grid)
      .getAllByRole('row')
      .find((r) => r.getAttribute('data-id') === 'ex-chat');
    if (!found) throw new Error('no row ex-chat');
    return found;
  });
  await user.pointer({ keys: '[MouseLeft]', target: row });
  const detail = await screen.findByRole('region', { name: 'Exchange detail' });
  const button = within(detail).getByRole('button', { name: 'Copy as…' });
  await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
  await user.click(button);
  return { user, detail: within(detail) };
}

describe('copy as code', () => {
  it('shows the request as cURL, Python and Node, with the key from the environment', async () => {
    const { user, detail } = await openCopyAs();
    const code = () => (detail.getByLabelText(/^(cURL|Python|Node) code$/) as HTMLElement).textContent ?? '';
    expect(code()).toMatch(/^curl -N -X POST 'http:\/\/127\.0\.0\.1:3000\/v1\/chat\/completions'/);
    expect(code()).toContain('-H "authorization: Bearer $OPENAI_API_KEY"');
    expect(code()).not.toContain('[redacted]');

    await user.click(detail.getByRole('tab', { name: 'Python' }));
    expect(code()).toContain('from openai import OpenAI');
    expect(code()).toContain('client.chat.completions.create(');
    expect(code()).toContain('stream=True');

    await user.click(detail.getByRole('tab', { name: 'Node' }));
    expect(code()).toContain("import OpenAI from 'openai'");
    expect(code()).toContain('baseURL: "http://127.0.0.1:3000/v1"');

    await user.click(detail.getByRole('radio', { name: /the provider/ }));
    expect(code()).toContain('"https://api.openai.com/v1"');
    expect(code()).not.toContain('[redacted]');
  });
});
