import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appMenuTemplate, type MenuActions, type MenuItemSpec } from '../../../electron/desktop/app-menu.ts';
import { externalUrl, isAppUrl } from '../../../electron/desktop/app-url.ts';
import {
  cspFromHtml,
  DEFAULT_CSP,
  scriptSourceProblems,
} from '../../../electron/desktop/content-security-policy.ts';
import { FALLBACK_QUICK_START, quickStartFromReadme } from '../../../electron/desktop/quick-start.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('app URL checks', () => {
  const app = 'file:///opt/Tokentap/resources/app.asar/dist/renderer/index.html';

  it('accepts only the app’s own file, with any hash or query', () => {
    expect(isAppUrl(app, app)).toBe(true);
    expect(isAppUrl(`${app}#/x?y`, app)).toBe(true);
    expect(isAppUrl('file:///opt/Tokentap/resources/app.asar/dist/renderer/other.html', app)).toBe(false);
    expect(isAppUrl('https://example.com/index.html', app)).toBe(false);
    expect(isAppUrl('', app)).toBe(false);
  });

  it('accepts the dev server by origin', () => {
    expect(isAppUrl('http://localhost:5173/a/b', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5173/', 'http://localhost:5173/')).toBe(false);
  });

  it('opens only http(s) links externally', () => {
    expect(externalUrl('https://platform.openai.com/docs')).toBe('https://platform.openai.com/docs');
    expect(externalUrl('http://127.0.0.1:3000/v1')).toBe('http://127.0.0.1:3000/v1');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'mailto:a@b',
      'nonsense',
    ]) {
      expect(externalUrl(url)).toBeNull();
    }
  });
});

describe('content security policy', () => {
  it('reads the page’s meta policy', () => {
    const html = `<head><meta charset="utf-8"><meta
      http-equiv="Content-Security-Policy"
      content="default-src 'self';   script-src 'self'" /></head>`;
    expect(cspFromHtml(html)).toBe("default-src 'self'; script-src 'self'");
    expect(cspFromHtml('<meta name="viewport" content="x">')).toBeNull();
  });

  it('the default policy and the renderer’s page policy allow no inline or remote scripts', () => {
    expect(scriptSourceProblems(DEFAULT_CSP)).toEqual([]);
    const page = cspFromHtml(readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8'));
    expect(page).not.toBeNull();
    expect(scriptSourceProblems(page ?? '')).toEqual([]);
    expect(scriptSourceProblems("default-src 'self'; script-src 'self' 'unsafe-inline'")).toEqual([
      "'unsafe-inline'",
    ]);
    expect(scriptSourceProblems('script-src https://cdn.example')).toContain('https://cdn.example');
  });
});

describe('Help → Quick Start text', () => {
  it('quotes the README’s SDK section without markdown fences', () => {
    const text = quickStartFromReadme(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(text).not.toBe(FALLBACK_QUICK_START);
    expect(text).toContain('base_url');
    expect(text).not.toContain('```');
  });

  it('falls back when the section is missing', () => {
    expect(quickStartFromReadme('# Title\n\nNothing here.')).toBe(FALLBACK_QUICK_START);
  });
});

describe('application menu', () => {
  const calls: string[] = [];
  const actions = new Proxy({} as MenuActions, {
    get: (_target, name) => () => calls.push(String(name)),
  });
  const labels = (items: MenuItemSpec[]): string[] =>
    items.flatMap((item) => [item.label ?? item.role ?? item.type ?? '?', ...labels(item.submenu ?? [])]);

  it('has the File items of the issue, each wired to its action', () => {
    const file = appMenuTemplate(actions, 'linux').find((item) => item.label === '&File');
    const items = file?.submenu ?? [];
    expect(labels(items)).toEqual([
      'New Session',
      'Open Session…',
      'separator',
      'Import…',
      'Export HAR…',
      'Export JSONL…',
      'separator',
      'quit',
    ]);
    for (const item of items) item.click?.();
    expect(calls).toEqual(['newSession', 'openSession', 'importFile', 'exportHar', 'exportJsonl']);
  });

  it('has View (reload, devtools, zoom) and Help with the quick start', () => {
    const all = labels(appMenuTemplate(actions, 'linux'));
    for (const role of ['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'editMenu']) {
      expect(all).toContain(role);
    }
    expect(all).toContain('Quick Start');
    expect(labels(appMenuTemplate(actions, 'darwin'))[0]).toBe('appMenu');
  });
});
