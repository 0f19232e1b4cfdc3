import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBinary, installerError, noWindowReason } from '../../../electron/start.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Runs `node electron/start.ts` (what `npm start` runs) until it prints the UI's URL. */
async function startUntilUp(env: Record<string, string | undefined>): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokentap-start-'));
  dirs.push(dataDir);
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    LISTEN_ADDR: '127.0.0.1:0',
    UI_ADDR: '127.0.0.1:0',
    TOKENTAP_DATA_DIR: dataDir,
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  const child = spawn(process.execPath, [join(ROOT, 'electron', 'start.ts')], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not come up in time:\n${output}`)),
      25_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/UI on http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code ?? signal}) before it was up:\n${output}`));
    });
  });
}

const fallbackLines = (output: string) =>
  output.split('\n').filter((line) => /Electron is not available/.test(line));

describe('npm start without Electron', () => {
  it('without a display: says so in one line and serves the UI headless', async () => {
    const output = await startUntilUp({
      DISPLAY: undefined,
      WAYLAND_DISPLAY: undefined,
      TOKENTAP_HEADLESS: undefined,
    });
    expect(fallbackLines(output)).toEqual([
      'Electron is not available (no display: DISPLAY and WAYLAND_DISPLAY are unset); starting headless — open the URL below',
    ]);
    expect(output).toMatch(/Tokentap proxy on http:\/\/127\.0\.0\.1:\d+/);
    // No installer run where no window could open anyway.
    expect(output).not.toMatch(/running its installer/);
    const ui = /UI on (http:\/\/\S+)/.exec(output)?.[1] ?? '';
    const page = await fetch(ui);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<title>Tokentap<\/title>/);
  }, 30_000);

  // Where the binary is installed this would open a real window: only run where it cannot be had.
  it.skipIf(electronBinary() !== null)(
    'with a display but no binary: runs Electron’s installer, which cannot download here, and falls back',
    async () => {
      const output = await startUntilUp({ DISPLAY: ':99', TOKENTAP_HEADLESS: undefined });
      expect(output).toMatch(/running its installer/);
      const [line, ...more] = fallbackLines(output);
      expect(more).toEqual([]);
      expect(line).toMatch(
        /^Electron is not available \(download failed: .+\); starting headless — open the URL below$/,
      );
      // The installer's stack trace stays out of the way.
      expect(output).not.toMatch(/^\s+at /m);
    },
    30_000,
  );
});

describe('start helpers', () => {
  it('needs a display on Linux, not on macOS or Windows', () => {
    expect(noWindowReason({}, 'linux')).toMatch(/no display/);
    expect(noWindowReason({ DISPLAY: ':0' }, 'linux')).toBeNull();
    expect(noWindowReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(noWindowReason({}, 'darwin')).toBeNull();
    expect(noWindowReason({}, 'win32')).toBeNull();
    expect(noWindowReason({ DISPLAY: ':0', TOKENTAP_HEADLESS: '1' }, 'linux')).toBe('TOKENTAP_HEADLESS=1');
  });

  it('takes the installer’s error line, not its stack', () => {
    expect(
      installerError(
        'Downloading Electron binary...\nTypeError: fetch failed\n    at node:internal/deps/undici/undici:14976:13\n',
      ),
    ).toBe('TypeError: fetch failed');
    expect(installerError('')).toBe('the installer failed without a message');
  });
});
