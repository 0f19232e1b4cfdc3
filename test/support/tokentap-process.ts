/**
 * The `tokentap` command as users run it (`bin/tokentap.js`), as a real child process with a data
 * directory of its own and the address variables unset, so its defaults are the defaults.
 */

import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishExchange } from '../../electron/capture/finished-exchange.ts';
import { SessionStore } from '../../electron/sessions/session-store.ts';
import { sampleRecords } from './sample-records.ts';

export const TOKENTAP_BIN = join(import.meta.dirname, '..', '..', 'bin', 'tokentap.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TokentapProcess {
  child: ChildProcess;
  /** Its TOKENTAP_DATA_DIR. */
  dataDir: string | undefined;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Waits until stdout+stderr match `pattern` (fails early, with the output, if the process exits). */
  waitFor(pattern: RegExp, what: string): Promise<RegExpExecArray>;
}

/** The environment of a user who set nothing but where the data lives. */
export function defaultEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TOKENTAP_DATA_DIR: dataDir,
    // No renderer build from a test: `serve` is given a folder of its own (empty).
    TOKENTAP_RENDERER_DIR: join(dataDir, 'no-renderer'),
    ...extra,
  };
  for (const name of ['LISTEN_ADDR', 'UI_ADDR', 'TOKENTAP_TOKEN', 'UPSTREAM'])
    if (!(name in extra)) delete env[name];
  return env;
}

const started = new Set<TokentapProcess>();

/** How long a process stopped with SIGTERM gets to close its session before it is killed. */
const STOP_MS = 5000;

/**
 * Stops every process started here that still runs, and waits for them: a failed test leaves none
 * behind. SIGTERM first, so each closes its session and lets its lock go (a killed one leaves its
 * lock socket behind, in the temp dir when the data folder's path is long); SIGKILL after STOP_MS.
 */
export async function killStartedTokentaps(): Promise<void> {
  const all = [...started];
  started.clear();
  const running = (run: TokentapProcess) => run.child.exitCode === null && run.child.signalCode === null;
  for (const run of all) if (running(run)) run.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const run of all) if (running(run)) run.child.kill('SIGKILL');
  }, STOP_MS);
  const exits = await Promise.all(all.map((run) => run.exited));
  clearTimeout(timer);
  // One that a signal ended before it could let its session go (killed, or stopped while it was
  // still starting) left the socket its lock names, in the temp dir when the path was long.
  await Promise.all(
    all.map((run, i) => (exits[i]?.signal && run.dataDir ? removeLockSockets(run.dataDir) : undefined)),
  );
}

/** Removes the sockets the session lock files under `dataDir` name (their owners are gone). */
async function removeLockSockets(dataDir: string): Promise<void> {
  const sessions = join(dataDir, 'sessions');
  const names = await readdir(sessions).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.lock'))) {
    const note = await readFile(join(sessions, name), 'utf8').catch(() => '{}');
    const { socket } = JSON.parse(note) as { socket?: unknown };
    if (typeof socket === 'string') await rm(socket, { force: true });
  }
}

/** Starts `tokentap ARGS…`. */
export function startTokentap(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: Pick<SpawnOptions, 'uid' | 'gid'> = {},
): TokentapProcess {
  const child = spawn(process.execPath, [TOKENTAP_BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let out = '';
  let err = '';
  let done: Exit | null = null;
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => {
      done = { code, signal };
      resolve(done);
    }),
  );
  const run: TokentapProcess = {
    child,
    dataDir: env.TOKENTAP_DATA_DIR,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out + err);
          if (match) {
            child.stdout?.off('data', check);
            child.stderr?.off('data', check);
            resolve(match);
          } else if (done) {
            reject(new Error(`tokentap exited (${done.code ?? done.signal}) before ${what}:\n${out}${err}`));
          }
        };
        // After the collecting listeners, so `out`/`err` already hold the new chunk.
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        void exited.then(check);
        check();
      });
    },
  };
  started.add(run);
  return run;
}

/** Runs `tokentap ARGS…` to its end. */
export async function runTokentap(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: Pick<SpawnOptions, 'uid' | 'gid'> = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  const run = startTokentap(args, env, options);
  const exit = await run.exited;
  return { ...exit, stdout: run.stdout(), stderr: run.stderr() };
}

/** A data folder holding one saved session of the sample records, for commands that read one. */
export async function sampleSessionDir(prefix: string): Promise<{ dir: string; sessionId: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const store = await SessionStore.open(dir, () => {});
  for (const record of sampleRecords()) store.append(finishExchange(record));
  const sessionId = store.currentId;
  await store.close();
  return { dir, sessionId };
}
