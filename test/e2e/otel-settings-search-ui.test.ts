/**
 * The OpenTelemetry settings and full-text search in the real UI: `npm run serve`'s entry as a
 * process, headless Chromium, a local OTLP receiver. Screenshots go to
 * test-results/e2e/otel-search-*.png — look at them.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { chromiumOrWarn, startUiApp, type UiApp } from '../support/ui-app.ts';

const executable = chromiumOrWarn('the OpenTelemetry settings and search UI tests');
const SECRET = 'Basic ZTJlLWxhbmdmdXNlLXNlY3JldA==';

let ui: UiApp;
let page: Page;
let receiver: OtlpReceiver;
const shot = (name: string) => ui.shot(`otel-search-${name}`);

describe.skipIf(!executable)('OpenTelemetry settings and text search in Chromium', () => {
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    ui = await startUiApp(executable as string, {
      sdkKey: 'sk-proj-e2eOTELsearch0123456789abcdWXYZ',
      routes(fake) {
        fake.respond('POST /v1/chat/completions', (request) => {
          const body = request.json() as { messages: { content: string }[] };
          return {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              id: `chatcmpl-${request.seq}`,
              object: 'chat.completion',
              created: 1_780_000_000,
              model: 'gpt-4o',
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: `About ${body.messages[0]?.content}` },
                  finish_reason: 'stop',
                },
              ],
              usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
            }),
          };
        });
      },
      env: { OTEL_BSP_SCHEDULE_DELAY: '20' },
    });
    ({ page } = ui);
  }, 120_000);

  afterAll(async () => {
    await ui?.close();
    await receiver?.close();
  });

  it('saves the export from the dialog, shows the header by name only, and spans arrive', async () => {
    await page.getByRole('button', { name: 'Proxy settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Proxy settings' });
    await shot('settings-open');
    const otel = dialog.getByRole('group', { name: 'OpenTelemetry export' });
    await otel.getByLabel(/^OTLP endpoint/).fill(receiver.url);
    await otel.getByLabel(/^Service name/).fill('e2e-agents');
    await otel.getByLabel('Header name').fill('Authorization');
    await otel.getByLabel('Header value').fill(SECRET);
    await otel.getByRole('button', { name: 'Add header' }).click();
    await shot('settings-filled');
    await dialog.getByRole('button', { name: /Save/ }).click();
    await dialog.waitFor({ state: 'detached' });

    // Saving restarted the proxy (on a new port: the listen address is 127.0.0.1:0 here).
    const status = (await (
      await fetch(`${ui.app.uiUrl}/api/status`, { headers: { authorization: 'Bearer e2e-token' } })
    ).json()) as { proxyUrl: string };
    for (const question of ['tide tables', 'moon phases']) {
      const response = await fetch(`${status.proxyUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-proj-e2eOTELsearch0123456789abcdWXYZ',
        },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
    }
    await vi.waitFor(() => expect(receiver.spans, 'two spans at the endpoint').toHaveLength(2), {
      timeout: 15_000,
      interval: 50,
    });
    expect(receiver.requestHeaders[0]?.authorization).toBe(SECRET);
    expect(receiver.spans[0]?.resource['service.name']).toBe('e2e-agents');

    await page.getByRole('button', { name: 'Proxy settings' }).click();
    const again = page.getByRole('dialog', { name: 'Proxy settings' });
    await again.getByRole('group', { name: 'Headers' }).getByText('Authorization', { exact: true }).waitFor();
    expect(await page.content()).not.toContain('ZTJlLWxh');
    await again.getByRole('group', { name: 'OpenTelemetry export' }).scrollIntoViewIfNeeded();
    await shot('settings-saved');
    await again.getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('narrows the list to the exchanges whose text holds text:"…"', async () => {
    const rows = page.getByRole('row').filter({ hasText: '/v1/chat/completions' });
    await vi.waitFor(async () => expect(await rows.count(), 'both rows listed').toBe(2), { timeout: 10_000 });
    await page.getByRole('combobox', { name: 'Filter requests' }).fill('text:"ABOUT moon"');
    await vi.waitFor(async () => expect(await rows.count(), 'one row left').toBe(1), { timeout: 10_000 });
    await shot('filtered');
  }, 30_000);
});
