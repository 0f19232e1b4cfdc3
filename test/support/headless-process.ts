/**
 * `npm run serve`'s entry point started as a real child process, for the tests that need a
 * process they can kill -9 or restart. Resolves once it printed its proxy and UI addresses.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface HeadlessProcess {
  child: ChildProcess;
  proxyUrl: string;
  uiUrl: string;
  output(): string;
  /** Waits for the process to exit; resolves with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const ENTRY = join(import.meta.dirname, '..', '..', 'electron', 'headless.ts');

/** Starts `node electron/headless.ts` with the given environment (ports 0 unless given). */
export function startHeadlessProcess(env: Record<string, string>): Promise<HeadlessProcess> {
  const child = spawn(process.execPath, [ENTRY], {
    // A renderer folder of its own (none unless given), so a test never triggers a UI build.
    env: {
      ...process.env,
      LISTEN_ADDR: '127.0.0.1:0',
      UI_ADDR: '127.0.0.1:0',
      TOKENTAP_RENDERER_DIR: join(import.meta.dirname, 'no-renderer'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const proxy = /proxy on (http:\/\/\S+)/.exec(text);
      const ui = /UI on (http:\/\/[^/\s]+)/.exec(text);
      if (proxy?.[1] && ui?.[1]) {
        resolve({ child, proxyUrl: proxy[1], uiUrl: ui[1], output: () => text, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) =>
      reject(new Error(`headless exited (${code ?? signal}) before it was up:\n${text}`)),
    );
  });
}
