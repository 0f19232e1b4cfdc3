/**
 * Debian's Chromium, driven by playwright-core (which cannot download browsers here). As root
 * and offline it needs these flags and a fresh profile, or it fails or keeps calling home.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium executable on this machine, or null. */
export function chromiumPath(): string | null {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path)) ?? null;
}

/** A headless Chromium with its own throwaway profile. */
export async function launchChromium(executablePath: string): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'tokentap-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
