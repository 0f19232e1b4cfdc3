/**
 * A binary answer end to end: the SDK's audio.speech.create through `npm run serve`'s proxy, and
 * the UI in real headless Chromium plays it from a Blob URL under the page's real CSP and
 * downloads its exact bytes. Screenshot: test-results/e2e/binary-body.png.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrWarn, startUiApp, type UiApp } from '../support/ui-app.ts';
import { wavTone } from '../support/wav-tone.ts';

const executable = chromiumOrWarn('the binary body UI tests');
const SPEECH = wavTone(48_000);

let ui: UiApp;

describe.skipIf(!executable)('a binary body in the UI in Chromium', () => {
  beforeAll(async () => {
    ui = await startUiApp(executable as string, {
      sdkKey: 'sk-proj-e2eAUDIOkey0123456789abcdefWXYZ',
      routes(fake) {
        fake.respond('POST /v1/audio/speech', { body: SPEECH, headers: { 'content-type': 'audio/wav' } });
      },
    });
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('plays the captured audio and downloads its exact bytes', async () => {
    const { page, openai, work } = ui;
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to load/i.test(message.text())) refused.push(message.text());
    });
    const answer = await openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello' });
    expect(Buffer.from(await answer.arrayBuffer()).equals(SPEECH)).toBe(true);

    await page.getByRole('row').filter({ hasText: '/v1/audio/speech' }).first().click();
    const detail = page.getByRole('region', { name: 'Exchange detail' });
    await detail.getByRole('tab', { name: 'Response' }).click();
    const body = detail.getByRole('figure', { name: 'Response body' });
    await expect.poll(() => body.textContent()).toContain('audio/wav · 46.9 KB (48,000 bytes)');

    // The player loads the Blob URL: the CSP lets blob: media through, and it is 1 s of audio.
    const duration = await body.locator('audio').evaluate(
      (audio: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          if (audio.readyState >= 1) resolve(audio.duration);
          if (audio.error) reject(new Error(`audio error ${audio.error.code}`));
          audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
          audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)), {
            once: true,
          });
        }),
    );
    expect(duration).toBeCloseTo(47_956 / 2 / 24_000, 2);
    await ui.shot('binary-body');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      body.getByRole('link', { name: 'Download' }).click(),
    ]);
    const path = join(work, 'speech.wav');
    await download.saveAs(path);
    expect(download.suggestedFilename()).toMatch(/-response\.wav$/);
    expect((await readFile(path)).equals(SPEECH)).toBe(true);
    expect(refused).toEqual([]);
  });
});
