import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The only modules that may load Electron: everything else runs in plain Node or a browser. */
const ALLOWED = new Set(['electron/main.ts', 'electron/preload.ts']);
const ELECTRON_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']electron(?:\/[^"']*)?["']/m;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(c|m)?(t|j)sx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe('only main.ts and preload.ts import electron', () => {
  const files = ['electron', 'renderer', 'shared'].flatMap(sources);

  it('finds the sources to check, and the pattern catches every import form', () => {
    expect(files).toContain('electron/main.ts');
    expect(files).toContain('electron/bridge/ipc-gateway.ts');
    for (const line of [
      "import { app } from 'electron';",
      'import electron from "electron"',
      "import type { IpcMain } from 'electron';",
      "const e = require('electron');",
      "await import('electron')",
      "import 'electron/main';",
    ]) {
      expect(line).toMatch(ELECTRON_IMPORT);
    }
    expect("import x from 'electron-builder'").not.toMatch(ELECTRON_IMPORT);
    expect("import x from './electron/main.ts'").not.toMatch(ELECTRON_IMPORT);
  });

  it('main.ts and preload.ts do import it', () => {
    for (const file of ALLOWED) expect(readFileSync(join(ROOT, file), 'utf8')).toMatch(ELECTRON_IMPORT);
  });

  it('no other file in electron/, renderer/ or shared/ does', () => {
    const offenders = files.filter(
      (file) => !ALLOWED.has(file) && ELECTRON_IMPORT.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
