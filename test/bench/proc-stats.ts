/**
 * Process statistics read from /proc, for proxies the benchmark runs as they are (the
 * `npm run serve` process, nginx, mitmproxy) rather than as forked children that answer IPC.
 */
import { readFile } from 'node:fs/promises';
import type { ProcessStats } from './ipc.ts';

/** Ticks per second of /proc's utime/stime (USER_HZ; 100 on every Linux this runs on). */
const USER_HZ = 100;

async function cpuMsOf(statPath: string): Promise<number> {
  const stat = await readFile(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the full line (11 and 12 after the command name).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match?.[1] ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * CPU (all threads, and the main thread alone) and RSS of a set of processes, summed: one pid for
 * a Node process (its worker threads are tasks of it), the workers for nginx.
 */
export async function procStats(pids: readonly number[]): Promise<ProcessStats> {
  let cpuMs = 0;
  let mainThreadCpuMs = 0;
  let rss = 0;
  for (const pid of pids) {
    cpuMs += await cpuMsOf(`/proc/${pid}/stat`);
    mainThreadCpuMs += await cpuMsOf(`/proc/${pid}/task/${pid}/stat`);
    rss += await rssOf(pid);
  }
  return {
    pid: pids[0] ?? 0,
    rss,
    heapUsed: Number.NaN,
    external: Number.NaN,
    arrayBuffers: Number.NaN,
    cpuMs,
    mainThreadCpuMs,
  };
}

/** The pids whose parent is `pid` (nginx's workers under its master). */
export async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
