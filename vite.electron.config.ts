/**
 * Builds the Electron main process and the preload (the renderer has its own vite.config.ts):
 * `vite build -c vite.electron.config.ts --mode main` → dist/electron/main.js (ESM), and
 * `--mode preload` → dist/electron/preload.cjs (CommonJS: a sandboxed preload can only
 * `require('electron')`). Dependencies (undici, genai-prices …) are bundled, so at run time the
 * bundles import nothing but `electron` and Node built-ins; the package ships without node_modules.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import { quickStartFromReadme } from './electron/desktop/quick-start.ts';

const ENTRIES = {
  main: { input: 'electron/main.ts', format: 'es', fileName: 'main.js' },
  preload: { input: 'electron/preload.ts', format: 'cjs', fileName: 'preload.cjs' },
} as const;

const external = ['electron', /^node:/, ...builtinModules];

function readme(): string {
  try {
    return readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  } catch {
    return '';
  }
}

export default defineConfig(({ mode }) => {
  if (mode !== 'main' && mode !== 'preload') {
    throw new Error(`vite.electron.config.ts: --mode must be "main" or "preload", not "${mode}"`);
  }
  const entry = ENTRIES[mode];
  return {
    publicDir: false,
    define: { __TOKENTAP_QUICK_START__: JSON.stringify(quickStartFromReadme(readme())) },
    // Bundle every dependency: only `electron` and Node built-ins stay imports.
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: entry.input,
      outDir: 'dist/electron',
      // main and preload are two builds into one folder.
      emptyOutDir: false,
      target: 'node22',
      sourcemap: true,
      minify: false,
      copyPublicDir: false,
      rollupOptions: {
        external,
        output: { format: entry.format, entryFileNames: entry.fileName, codeSplitting: false },
      },
    },
  };
});
