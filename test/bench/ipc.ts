/**
 * The small IPC protocol between the benchmark and its child processes (upstream, proxies).
 * Children answer commands with a reply carrying the same sequence number.
 */
import { type ChildProcess, fork } from 'node:child_process';

export type Command = 'stats' | 'pause' | 'resume' | 'drain' | 'gc' | 'stop';

export interface CommandMessage {
  type: 'cmd';
  seq: number;
  cmd: Command;
}

export interface ProcessStats {
  pid: number;
  /** Resident set size in bytes (VmRSS). */
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** CPU time used since the process started (user + system), in ms. */
  cpuMs: number;
  /** The same for the main thread alone: the thread that forwards traffic. */
  mainThreadCpuMs: number;
  /** Capture pipeline state; absent for processes without one. */
  queueLength?: number;
  droppedParts?: number;
  inFlight?: number;
  records?: number;
  requests?: number;
}

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'reply'; seq: number; stats?: ProcessStats }
  /** The upstream saw a client go away mid-stream (a request carrying `id`), at nowMs(). */
  | { type: 'aborted'; id: string; at: number };

/** Sends a message to the parent; a no-op outside a forked child. */
export function toParent(message: ChildMessage): void {
  process.send?.(message);
}

/** Answers the parent's commands; `handle` returns stats for 'stats' and does the rest. */
export function serveCommands(handle: (cmd: Command) => Promise<ProcessStats | undefined>): void {
  process.on('message', (message: CommandMessage) => {
    if (message?.type !== 'cmd') return;
    void handle(message.cmd).then(
      (stats) =>
        toParent(stats ? { type: 'reply', seq: message.seq, stats } : { type: 'reply', seq: message.seq }),
      (error: unknown) => {
        console.error(`bench child: command ${message.cmd} failed`, error);
        toParent({ type: 'reply', seq: message.seq });
      },
    );
  });
  // The parent going away (Ctrl-C, crash) must not leave children behind.
  process.on('disconnect', () => process.exit(0));
}

/** VmRSS of this process from /proc (Linux), falling back to process.memoryUsage(). */
export async function readRss(): Promise<number> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile('/proc/self/status', 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

export async function baseStats(): Promise<ProcessStats> {
  const usage = process.memoryUsage();
  const cpu = process.cpuUsage();
  const mainThread = process.threadCpuUsage();
  return {
    pid: process.pid,
    rss: await readRss(),
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainThreadCpuMs: (mainThread.user + mainThread.system) / 1000,
  };
}

/** A forked child process that reports its URL once ready and answers commands. */
export class BenchChild {
  readonly url: string;
  readonly process: ChildProcess;
  #seq = 0;
  #pending = new Map<number, (stats: ProcessStats | undefined) => void>();
  #abortListeners = new Set<(id: string, at: number) => void>();

  private constructor(child: ChildProcess, url: string) {
    this.process = child;
    this.url = url;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'reply') {
        this.#pending.get(message.seq)?.(message.stats);
        this.#pending.delete(message.seq);
      } else if (message.type === 'aborted') {
        for (const listener of this.#abortListeners) listener(message.id, message.at);
      }
    });
  }

  static start(entry: URL, args: string[], execArgv: string[] = []): Promise<BenchChild> {
    const child = fork(entry, args, {
      execArgv: [...process.execArgv, ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${entry.pathname} did not start within 20 s`));
      }, 20_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${entry.pathname} exited early (code ${code})`));
      });
      child.on('message', function onReady(message: ChildMessage) {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        child.off('message', onReady);
        resolve(new BenchChild(child, message.url));
      });
    });
  }

  command(cmd: Command): Promise<ProcessStats | undefined> {
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(seq);
        reject(new Error(`child ${this.process.pid}: no reply to ${cmd} within 30 s`));
      }, 30_000).unref();
      this.#pending.set(seq, (stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      this.process.send({ type: 'cmd', seq, cmd } satisfies CommandMessage);
    });
  }

  async stats(): Promise<ProcessStats> {
    const stats = await this.command('stats');
    if (!stats) throw new Error(`child ${this.process.pid} sent no stats`);
    return stats;
  }

  onAborted(listener: (id: string, at: number) => void): () => void {
    this.#abortListeners.add(listener);
    return () => this.#abortListeners.delete(listener);
  }

  /** Asks the child to stop (it exits without replying), and kills it if it is not gone within 5 s. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.send({ type: 'cmd', seq: ++this.#seq, cmd: 'stop' } satisfies CommandMessage);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
