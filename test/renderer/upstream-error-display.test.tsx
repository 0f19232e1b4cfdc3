// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { dataRows, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { buildRecord } from './support/records.ts';

setupDomTests();

describe('an upstream HTTP error in the list and the detail', () => {
  it('shows the row as an error with its status, and the provider error in the Overview', async () => {
    const record = buildRecord({
      id: 'ex-429',
      seq: 1,
      fixture: 'openai-error-429-insufficient-quota.json',
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
      status: 429,
    });
    expect(record.state).toBe('error');
    const user = userEvent.setup();
    renderApp(new MemoryApi([record]));
    await waitFor(() => expect(dataRows()).toHaveLength(1));
    const row = dataRows()[0] as HTMLElement;
    expect(within(row).getByText('429 error')).toBeDefined();
    expect(row.classList.contains('row-error')).toBe(true);

    await user.pointer({ keys: '[MouseLeft]', target: row });
    const detail = screen.getByRole('region', { name: 'Exchange detail' });
    const words = 'HTTP 429 insufficient_quota: You exceeded your current quota';
    await waitFor(() =>
      expect(within(detail).getAllByText(new RegExp(`^${words}`)).length).toBeGreaterThan(0),
    );
  });
});
