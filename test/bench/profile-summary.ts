/**
 * Summarises .cpuprofile files (one per thread, as `--cpu-prof` writes them): sampled time per
 * thread, and the functions with the most self time, with their file and line.
 *
 *   node test/bench/profile-summary.ts <dir or files…> [--top=25] [--per=<requests>]
 *
 * `--per`: also print each figure as µs per request (the requests the profiled run served).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
const per = Number(args.find((a) => a.startsWith('--per='))?.slice(6) ?? 0);
/** `--inclusive=a,b`: also the time of samples with a function of that name anywhere on their stack. */
const inclusive =
  args
    .find((a) => a.startsWith('--inclusive='))
    ?.slice(12)
    .split(',') ?? [];
const files: string[] = [];
for (const arg of args.filter((a) => !a.startsWith('--'))) {
  if (!(await stat(arg)).isDirectory()) files.push(arg);
  else for (const f of (await readdir(arg)).sort()) if (f.endsWith('.cpuprofile')) files.push(join(arg, f));
}

const short = (url: string): string => url.replace(/^file:\/\/.*?\/(electron|shared|node_modules)\//, '$1/');

for (const file of files) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let idle = 0;
  let total = 0;
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const key = `${functionName || '(anonymous)'} ${url ? `${short(url)}:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = total - idle;
  const fmt = (us: number): string =>
    per > 0 ? `${(us / per).toFixed(1).padStart(6)} µs/req` : `${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(
    `\n${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(2)} s${per > 0 ? ` (${(busy / per).toFixed(0)} µs/req)` : ''}`,
  );
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${fmt(us)} ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
  if (inclusive.length === 0) continue;
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  console.log('  inclusive:');
  for (const name of inclusive) {
    let us = 0;
    for (const [id, t] of self) {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
        if (byId.get(at)?.callFrame.functionName === name) {
          us += t;
          break;
        }
    }
    console.log(`  ${fmt(us)} ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
}
