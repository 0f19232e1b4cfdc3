/**
 * Debian's Chromium, driven by playwright-core (which cannot download browsers here). As root
 * and offline it needs these flags and a fresh profile, or it fails or keeps calling home.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium executable on this machine, or null. */
export function chromiumPath(): string | null {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path)) ?? null;
}

/** A headless Chromium with its own throwaway profile, removed when the context is closed. */
export async function launchChromium(executablePath: string): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'tokentap-chromium-'));
  const removeProfile = () => rm(profile, { recursive: true, force: true, maxRetries: 3 });
  const context = await chromium
    .launchPersistentContext(profile, {
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
    })
    .catch(async (error: unknown) => {
      await removeProfile();
      throw error;
    });
  // The profile goes once the browser has exited (and let go of its files).
  const close = context.close.bind(context);
  context.close = async (options) => {
    try {
      await close(options);
    } finally {
      await removeProfile();
    }
  };
  return context;
}
