/**
 * Builds the Electron main process, the preload and the analysis worker (the renderer has its own
 * vite.config.ts): `vite build -c vite.electron.config.ts --mode main` → dist/electron/main.js
 * (ESM), `--mode preload` → dist/electron/preload.cjs (CommonJS: a sandboxed preload can only
 * `require('electron')`) and `--mode worker` → dist/electron/analysis-worker.js (ESM: the
 * worker_threads entry that main.js starts from its own folder). Dependencies (undici,
 * genai-prices …) are bundled, so at run time the bundles import nothing but `electron` and Node
 * built-ins, and the worker not even `electron` (the build fails if it tries); the package ships
 * without node_modules.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import { quickStartFromReadme } from './electron/desktop/quick-start.ts';

const ENTRIES = {
  main: { input: 'electron/main.ts', format: 'es', fileName: 'main.js' },
  preload: { input: 'electron/preload.ts', format: 'cjs', fileName: 'preload.cjs' },
  worker: { input: 'electron/capture/analysis-worker.ts', format: 'es', fileName: 'analysis-worker.js' },
  // Imports and exports run in a worker thread of their own (session-file-jobs.ts).
  files: {
    input: 'electron/sessions/session-file-worker.ts',
    format: 'es',
    fileName: 'session-file-worker.js',
  },
  // The OpenTelemetry export runs in a worker thread of its own (otel-thread.ts).
  telemetry: { input: 'electron/telemetry/otel-worker.ts', format: 'es', fileName: 'otel-worker.js' },
  // Full-text search reads session files in a worker thread of its own (search-thread.ts).
  search: { input: 'electron/search/search-worker.ts', format: 'es', fileName: 'search-worker.js' },
} as const;

type Mode = keyof typeof ENTRIES;
const isMode = (mode: string): mode is Mode => Object.hasOwn(ENTRIES, mode);

const nodeBuiltins = [/^node:/, ...builtinModules];

function noElectronImports(): Plugin {
  return {
    name: 'tokentap:no-electron-in-worker',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === 'electron' || source.startsWith('electron/')) {
        this.error(`the analysis worker cannot import "${source}" (imported by ${importer ?? 'the entry'})`);
      }
      return null;
    },
  };
}

function readme(): string {
  try {
    return readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  } catch {
    return '';
  }
}

export default defineConfig(({ mode }) => {
  if (!isMode(mode)) {
    const modes = Object.keys(ENTRIES).map((m) => `"${m}"`);
    throw new Error(`vite.electron.config.ts: --mode must be ${modes.join(', ')}, not "${mode}"`);
  }
  const entry = ENTRIES[mode];
  return {
    // A worker thread has no `electron` module: fail the build rather than ship a worker that
    // dies as it starts.
    plugins:
      mode === 'worker' || mode === 'files' || mode === 'telemetry' || mode === 'search'
        ? [noElectronImports()]
        : [],
    publicDir: false,
    define: { __TOKENTAP_QUICK_START__: JSON.stringify(quickStartFromReadme(readme())) },
    // Bundle every dependency: only `electron` (not in the worker) and Node built-ins stay imports.
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: entry.input,
      outDir: 'dist/electron',
      // main, preload and worker are three builds into one folder.
      emptyOutDir: false,
      target: 'node22',
      sourcemap: true,
      minify: false,
      copyPublicDir: false,
      rollupOptions: {
        // Not `electron` for the worker, so that importing it reaches noElectronImports.
        external:
          mode === 'worker' || mode === 'files' || mode === 'telemetry' || mode === 'search'
            ? nodeBuiltins
            : ['electron', ...nodeBuiltins],
        output: { format: entry.format, entryFileNames: entry.fileName, codeSplitting: false },
      },
    },
  };
});
