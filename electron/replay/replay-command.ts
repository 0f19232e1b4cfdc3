import type { ReplayFault } from '../../shared/inspector-contract.ts';
import { dataDir } from '../data-dir.ts';
import { runServe } from '../headless.ts';
import { formatFault, parseFault } from './fault-spec.ts';
import { loadReplaySource } from './replay-source.ts';

export interface ReplayCommandOptions {
  speed: string | undefined;
  listen: string | undefined;
  fallthrough: boolean;
  faults: string[];
}

const USAGE =
  'usage: tokentap replay <session|latest|file.har|file.jsonl> [--speed N] [--listen ADDR] [--fallthrough] [--fault F]...';

/**
 * `tokentap replay`: `tokentap serve` with replay mode on from the start, answering from a
 * session or a HAR/JSONL file. Replayed exchanges are captured into a new session like any
 * traffic, so the UI shows them; misses are printed. Returns -1 while running, or an exit code.
 */
export async function replayCommand(
  which: string | undefined,
  options: ReplayCommandOptions,
): Promise<number> {
  const speed = options.speed === undefined ? 1 : Number(options.speed);
  let faults: ReplayFault[];
  try {
    faults = options.faults.map(parseFault);
  } catch (error) {
    console.error(`tokentap replay: ${(error as Error).message}`);
    return 2;
  }
  if (!which || !Number.isFinite(speed) || speed < 0 || options.speed === '') {
    console.error(`tokentap replay: ${which ? 'the speed must be 0 or a positive number; ' : ''}${USAGE}`);
    return 2;
  }
  const directory = dataDir();
  const source = await loadReplaySource(which, directory, (warning) =>
    console.warn(`tokentap: ${which}: ${warning}`),
  ).catch((error: unknown) => error as Error);
  if (source instanceof Error) {
    console.error(`tokentap replay: ${source.message}`);
    return 1;
  }
  const env = options.listen ? { ...process.env, LISTEN_ADDR: options.listen } : process.env;
  await runServe(env, async (service) => {
    const status = await service.startReplay(source.records, {
      source: source.label,
      speed,
      fallthrough: options.fallthrough,
      faults,
      onMiss: (message) => console.warn(message),
    });
    const replay = status.replay;
    const faultText = faults.length ? `, faults: ${faults.map(formatFault).join(' ')}` : '';
    return `Replaying ${replay?.recordings ?? 0} of ${source.records.length} exchanges from ${source.label} at speed ${speed}${
      options.fallthrough ? ', misses forwarded to the upstream' : ', misses answered 404'
    }${faultText}`;
  });
  return -1;
}
