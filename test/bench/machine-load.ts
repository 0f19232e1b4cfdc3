/**
 * How busy the whole machine was during the run, next to how much of that was the benchmark's
 * own processes: on a shared 2-core machine, other work skews every latency figure.
 */
import { readFileSync } from 'node:fs';
import { sleep } from './clock.ts';

export interface CpuTicks {
  busy: number;
  total: number;
}

/** Aggregate CPU ticks from /proc/stat (Linux); zeros elsewhere. */
export function readCpuTicks(): CpuTicks {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** CPU time (user + system) of a process from /proc/PID/stat, in ms; NaN when unreadable. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the full line (11 and 12 after the command name).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The share of all cores that was busy between two readings, in % of the whole machine. */
export function busyPercent(from: CpuTicks, to: CpuTicks): number {
  const total = to.total - from.total;
  return total > 0 ? ((to.busy - from.busy) / total) * 100 : Number.NaN;
}

/** A 50 ms window in which at most this share of the machine was busy counts as quiet. */
const QUIET_PERCENT = 25;
const QUIET_WINDOW_MS = 50;

/**
 * Waits until the machine is quiet (a window with at most QUIET_PERCENT busy, at most `maxMs`) and
 * resolves with the ms of busy windows before it: the work a proxy still did after the load
 * stopped (an analysis backlog, a batch of writes), charged to its round so that throughput means
 * requests done with everything they cause, and not charged to the arm that runs next.
 */
export async function busyAfterLoad(maxMs = 3000): Promise<number> {
  let busyMs = 0;
  while (busyMs < maxMs) {
    const from = readCpuTicks();
    await sleep(QUIET_WINDOW_MS);
    const busy = busyPercent(from, readCpuTicks());
    if (!(busy > QUIET_PERCENT)) break;
    busyMs += QUIET_WINDOW_MS;
  }
  return busyMs;
}
