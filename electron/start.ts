/**
 * `npm start`: builds what is stale, then launches Electron. npm runs no dependency install
 * scripts here, so a missing Electron binary gets Electron's own installer, once per start. Where
 * Electron cannot be had (download failed, no display), it says why in one line and runs the
 * headless server instead, so the proxy and the UI work on every machine. Plain Node: `node electron/start.ts`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../shared/error-message.ts';
import { buildElectron, buildRenderer } from './build-outputs.ts';

const ROOT = join(import.meta.dirname, '..');
/** Electron that exits with an error this soon did not start (missing libraries, no GPU …). */
const EARLY_EXIT_MS = 5000;

/** The Electron executable, if its installer has put it in place. */
export function electronBinary(root: string = ROOT): string | null {
  const dir = join(root, 'node_modules', 'electron');
  try {
    const relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const full = join(dir, 'dist', relative);
    return relative !== '' && existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

/** Why no window can open here, or null: X11 and Wayland systems need a display. */
export function noWindowReason(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  if (env.TOKENTAP_HEADLESS === '1') return 'TOKENTAP_HEADLESS=1';
  if (platform === 'darwin' || platform === 'win32') return null;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? null : 'no display: DISPLAY and WAYLAND_DISPLAY are unset';
}

/** The first line of an installer's error output that says something, e.g. `TypeError: fetch failed`. */
export function installerError(output: string): string {
  const line = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('at ') && !l.startsWith('Downloading'));
  return line ?? 'the installer failed without a message';
}

/** Runs `node node_modules/electron/install.js`; returns why it failed, or null. */
function installElectron(): string | null {
  const installer = join(ROOT, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return 'the electron package is not installed (npm ci)';
  console.log('Electron binary missing: running its installer (node node_modules/electron/install.js)…');
  const result = spawnSync(process.execPath, [installer], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status === 0 && electronBinary()) return null;
  return `download failed: ${installerError(`${result.stderr ?? ''}\n${result.stdout ?? ''}`)}`;
}

/** Launches Electron on the app; resolves with the exit code, or with a reason if it died at once. */
function runElectron(binary: string): Promise<{ code: number } | { failed: string }> {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const started = Date.now();
  const child: ChildProcess = spawn(binary, [ROOT], { cwd: ROOT, env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ failed: `cannot run ${binary}: ${error.message}` }));
    child.once('exit', (code, signal) => {
      const failedEarly = code !== 0 && signal === null && Date.now() - started < EARLY_EXIT_MS;
      resolve(failedEarly ? { failed: `Electron exited at once with code ${code}` } : { code: code ?? 1 });
    });
  });
}

async function runHeadless(reason: string): Promise<void> {
  console.log(`Electron is not available (${reason}); starting headless — open the URL below`);
  const { runServe } = await import('./headless.ts');
  await runServe();
}

/** `npm start`. */
export async function start(): Promise<void> {
  process.chdir(ROOT);
  let reason = noWindowReason(process.env, process.platform);
  let binary: string | null = null;
  if (reason === null) {
    binary = electronBinary();
    if (binary === null) {
      reason = installElectron();
      binary = electronBinary();
    }
  }
  await buildRenderer();
  if (reason !== null || binary === null) return runHeadless(reason ?? 'no Electron binary');
  await buildElectron();
  const result = await runElectron(binary);
  if ('failed' in result) return runHeadless(result.failed);
  process.exit(result.code);
}

if (import.meta.main) {
  start().catch((error: unknown) => {
    console.error(`tokentap: ${errorMessage(error)}`);
    process.exit(1);
  });
}
