import { randomBytes } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_MODE } from '../data-dir.ts';

/** Longest Unix socket path every platform takes (macOS: 104 bytes with the terminator). */
const SOCKET_PATH_LIMIT = 100;
/** A live owner answers a local connect at once; one that takes this long is taken as live. */
const PROBE_TIMEOUT_MS = 2000;

/** What a lock file says: who holds the session and where it listens while it lives. */
interface LockNote {
  pid: number;
  socket: string;
}

/**
 * A live session's lock: while its owner lives, it listens on a local socket (a named pipe on
 * Windows) named in the session's `.lock` file. Another instance asks "still live?" by
 * connecting: the OS closes the socket the moment its owner dies, however it dies (kill -9, a
 * crash, power loss), so a stale lock file reads as finished at once. Unlike a pid in a file, a
 * reused pid can never make a dead session look live, and nothing depends on clocks.
 */
export class SessionLock {
  readonly #path: string;
  readonly #server: Server;
  readonly #socket: string;

  private constructor(path: string, server: Server, socket: string) {
    this.#path = path;
    this.#server = server;
    this.#socket = socket;
  }

  /** Takes the lock at `lockPath` (a new session's: the file must not exist yet). */
  static async acquire(lockPath: string, dir: string, id: string): Promise<SessionLock> {
    // Whoever connects learns all it needs from the connect itself.
    const server = createServer((connection) => connection.destroy());
    let socket = '';
    let lastError: unknown = null;
    // Beside the session first; a file system that cannot hold a socket (some network and FUSE
    // mounts) falls back to the temp folder.
    for (const candidate of socketPaths(dir, id)) {
      try {
        await listenOn(server, candidate);
        socket = candidate;
        break;
      } catch (error) {
        lastError = error;
      }
    }
    if (socket === '') throw lastError;
    server.unref();
    try {
      if (process.platform !== 'win32') await chmod(socket, FILE_MODE);
      const note: LockNote = { pid: process.pid, socket };
      // `wx`: two instances can never both think they created the same session.
      await writeFile(lockPath, `${JSON.stringify(note)}\n`, { flag: 'wx', mode: FILE_MODE });
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    }
    return new SessionLock(lockPath, server, socket);
  }

  /** Lets the session go: it reads as finished everywhere from now on. */
  async release(): Promise<void> {
    await rm(this.#path, { force: true });
    await new Promise((resolve) => this.#server.close(resolve));
    if (process.platform !== 'win32') await rm(this.#socket, { force: true });
  }
}

/** The pid of the live instance holding this lock, or null when the session is finished (no lock, or its owner died). */
export async function liveOwner(lockPath: string): Promise<number | null> {
  let note: LockNote;
  try {
    const value = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockNote>;
    if (typeof value.socket !== 'string' || typeof value.pid !== 'number') return null;
    note = { pid: value.pid, socket: value.socket };
  } catch {
    return null;
  }
  return (await answers(note.socket)) ? note.pid : null;
}

function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    const done = (live: boolean) => {
      clearTimeout(timer);
      connection.destroy();
      resolve(live);
    };
    const timer = setTimeout(() => done(true), PROBE_TIMEOUT_MS);
    connection.once('connect', () => done(true));
    connection.once('error', (error: NodeJS.ErrnoException) =>
      // Nobody listens (the owner died) or the socket is gone: finished. Anything else (a
      // permission error) cannot prove the owner dead, so the session stays protected.
      done(!(error.code === 'ECONNREFUSED' || error.code === 'ENOENT')),
    );
  });
}

/** A stale socket file of a crashed owner is never in the way: each name has a fresh random part. */
function socketPaths(dir: string, id: string): string[] {
  const tail = randomBytes(6).toString('hex');
  if (process.platform === 'win32') return [`\\\\.\\pipe\\tokentap-${tail}`];
  // Next to the session when the path is short enough, so no temp cleaner can remove it.
  const beside = join(dir, `.${id}.${tail}.sock`);
  const temp = join(tmpdir(), `tokentap-${tail}.sock`);
  return Buffer.byteLength(beside) <= SOCKET_PATH_LIMIT ? [beside, temp] : [temp];
}

function listenOn(server: Server, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
