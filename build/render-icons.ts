/**
 * Rasterises build/icon.svg into the PNGs electron-builder packages (build/icon.png for macOS and
 * Windows, build/icons/NxN.png for Linux) with the system Chromium: `node build/render-icons.ts`.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const BUILD = new URL('./', import.meta.url);
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const svg = await readFile(new URL('icon.svg', BUILD), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  await mkdir(new URL('icons/', BUILD), { recursive: true });
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`,
    );
    const path = new URL(size === 1024 ? 'icon.png' : `icons/${size}x${size}.png`, BUILD);
    await page.screenshot({
      path: path.pathname,
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    console.log(`wrote ${path.pathname}`);
  }
} finally {
  await browser.close();
}
