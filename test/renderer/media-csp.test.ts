import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cspFromHtml, DEFAULT_CSP } from '../../electron/desktop/content-security-policy.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/server/static-files.ts';

function mediaSources(csp: string): string[] {
  const directive = csp
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([name]) => name === 'media-src');
  return directive?.slice(1) ?? [];
}

describe('the page may play captured audio from a Blob URL', () => {
  const page = cspFromHtml(readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8')) ?? '';
  it.each([
    ['the page itself (Electron and browser)', page],
    ['the desktop fallback policy', DEFAULT_CSP],
    ["the headless server's header", CONTENT_SECURITY_POLICY],
  ])('%s allows blob: media', (_, csp) => {
    expect(mediaSources(csp)).toContain('blob:');
  });
});
