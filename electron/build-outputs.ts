/**
 * Builds the renderer (and the desktop bundles) only when they are missing or older than their
 * sources, for `npm start` and `npm run serve`. Plain Node; Vite is loaded only when a build runs.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (path: string): void => {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch {
      return;
    }
    if (stats.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules') visit(join(path, name));
    } else newest = Math.max(newest, stats.mtimeMs);
  };
  for (const path of paths) visit(join(ROOT, path));
  return newest;
}

/** Whether any output is missing or older than any input. */
function stale(outputs: string[], inputs: string[]): boolean {
  const oldest = Math.min(
    ...outputs.map((path) => {
      try {
        return statSync(join(ROOT, path)).mtimeMs;
      } catch {
        return 0;
      }
    }),
  );
  return oldest === 0 || newestMtime(inputs) > oldest;
}

/** Builds dist/renderer when it is stale. */
export async function buildRenderer(): Promise<void> {
  const inputs = ['renderer', 'shared', 'vite.config.ts', 'package.json'];
  if (!stale(['dist/renderer/index.html'], inputs)) return;
  console.log('Building the renderer…');
  const { build } = await import('vite');
  // Built aside and swapped in, so a running server (or a failed build) never sees half a folder.
  const target = join(ROOT, 'dist', 'renderer');
  const fresh = join(ROOT, 'dist', `.renderer-${process.pid}`);
  const old = join(ROOT, 'dist', `.renderer-old-${process.pid}`);
  try {
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      root: join(ROOT, 'renderer'),
      logLevel: 'warn',
      build: { outDir: fresh, emptyOutDir: true },
    });
    if (existsSync(target)) renameSync(target, old);
    renameSync(fresh, target);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** Builds dist/electron (main, preload and the analysis worker) when stale. */
export async function buildElectron(): Promise<void> {
  const inputs = ['electron', 'shared', 'vite.electron.config.ts', 'README.md', 'package.json'];
  const outputs = [
    'dist/electron/main.js',
    'dist/electron/preload.cjs',
    'dist/electron/analysis-worker.js',
    'dist/electron/session-file-worker.js',
    'dist/electron/otel-worker.js',
    'dist/electron/search-worker.js',
  ];
  if (!stale(outputs, inputs)) return;
  console.log('Building the main process, the preload and the analysis worker…');
  const { build } = await import('vite');
  for (const mode of ['main', 'preload', 'worker', 'files', 'telemetry', 'search']) {
    await build({ configFile: join(ROOT, 'vite.electron.config.ts'), root: ROOT, mode, logLevel: 'warn' });
  }
}
