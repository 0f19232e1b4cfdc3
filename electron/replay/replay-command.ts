import type { ReplayFault } from '../../shared/contract/inspector-contract.ts';
import { formatFault, parseFault } from '../../shared/contract/replay-fault.ts';
import { dataDir } from '../data-dir.ts';
import { type ListenRemedies, runServe } from '../headless.ts';
import type { InspectorService } from '../inspector-service.ts';
import { formatListenAddress, type ListenAddress, parseListenAddress } from '../proxy/listen-address.ts';
import { removePortFile, writePortFile } from './port-file.ts';
import { loadReplaySource } from './replay-source.ts';

export interface ReplayCommandOptions {
  speed: string | undefined;
  listen: string | undefined;
  fallthrough: boolean;
  faults: string[];
  /** `--ui [ADDR]`: absent, no UI; '' (the flag alone), a free port. */
  ui: string | undefined;
  portFile: string | undefined;
  strict: boolean;
}

const USAGE =
  'usage: tokentap replay <session|latest|file.har|file.jsonl> [--speed N] [--listen ADDR] [--ui [ADDR]] [--port-file PATH] [--strict] [--fallthrough] [--fault F]...';

/** A replay is given its addresses on the command line, so that is what its error lines point to. */
const REPLAY_REMEDIES: ListenRemedies = {
  proxy: 'Pass --listen with another address (--listen :0 for a free port).',
  ui: 'Pass --ui with another address (--ui alone for a free port).',
};

/** Where a replay listens when neither `--listen` nor `LISTEN_ADDR` says: a free port, so replays run side by side. */
const FREE_PORT: ListenAddress = { host: '127.0.0.1', port: 0 };

class UsageError extends Error {}

interface ReplayPlan {
  speed: number;
  faults: ReplayFault[];
  listen: ListenAddress;
  ui: ListenAddress | null;
  portFile: string | null;
}

/** The options checked; throws a UsageError in one line naming the option. */
function planOf(options: ReplayCommandOptions, env: NodeJS.ProcessEnv): ReplayPlan {
  const speed = options.speed === undefined ? 1 : Number(options.speed);
  if (!Number.isFinite(speed) || speed < 0 || options.speed?.trim() === '')
    throw new UsageError(`--speed "${options.speed}": the speed must be 0 or a positive number`);
  let faults: ReplayFault[];
  try {
    faults = options.faults.map(parseFault);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const address = (option: string, text: string) => {
    try {
      return parseListenAddress(text);
    } catch (error) {
      throw new UsageError(`${option}: ${(error as Error).message}`);
    }
  };
  const listen =
    options.listen !== undefined
      ? address('--listen', options.listen)
      : env.LISTEN_ADDR
        ? address('LISTEN_ADDR', env.LISTEN_ADDR)
        : FREE_PORT;
  const ui = options.ui === undefined ? null : options.ui === '' ? FREE_PORT : address('--ui', options.ui);
  if (options.portFile !== undefined && options.portFile.trim() === '')
    throw new UsageError('--port-file needs a path');
  return { speed, faults, listen, ui, portFile: options.portFile ?? null };
}

/**
 * `tokentap replay`: the proxy, in replay mode from the start, answering from a session or a
 * HAR/JSONL file; the UI only with `--ui`. Replayed exchanges are captured into a new session like
 * any traffic; misses are printed. Until SIGTERM/SIGINT, which print the served and missed counts
 * (and with `--strict`, exit 1 if any request missed). Returns -1 while running, or an exit code.
 */
export async function replayCommand(
  which: string | undefined,
  options: ReplayCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let plan: ReplayPlan;
  try {
    if (!which) throw new UsageError('which recording? (a session id, latest, or a .har/.jsonl file)');
    plan = planOf(options, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`tokentap replay: ${error.message} (${which ? 'see tokentap --help' : USAGE})`);
    return 2;
  }
  const directory = dataDir(env);
  const source = await loadReplaySource(which, directory, (warning) =>
    console.warn(`tokentap: ${which}: ${warning}`),
  ).catch((error: unknown) => error as Error);
  if (source instanceof Error) {
    console.error(`tokentap replay: ${source.message}`);
    return 1;
  }
  const { speed, faults, portFile } = plan;
  let replaying: InspectorService | null = null;
  await runServe({
    // The address given wins over one saved in the data directory's settings.
    env: { ...env, LISTEN_ADDR: formatListenAddress(plan.listen) },
    ui: plan.ui,
    remedies: REPLAY_REMEDIES,
    setup: async (service, { proxyUrl }) => {
      replaying = service;
      const status = await service.startReplay(source.records, {
        source: source.label,
        speed,
        fallthrough: options.fallthrough,
        faults,
        onMiss: (message) => console.warn(message),
      });
      // Last, once everything listens: a suite that sees the file can send at once.
      if (portFile !== null) await writePortFile(portFile, proxyUrl);
      const replay = status.replay;
      const faultText = faults.length ? `, faults: ${faults.map(formatFault).join(' ')}` : '';
      return `Replaying ${replay?.recordings ?? 0} of ${source.records.length} exchanges from ${source.label} at speed ${speed}${
        options.fallthrough ? ', misses forwarded to the upstream' : ', misses answered 404'
      }${faultText}`;
    },
    onStop: async (signal) => {
      const counts = (await (replaying as InspectorService | null)?.status())?.replay;
      const served = counts?.served ?? 0;
      const misses = counts?.misses ?? 0;
      console.log(`\n${signal}: replay stopped; served ${served}, missed ${misses}`);
      if (portFile !== null) await removePortFile(portFile);
      if (options.strict && misses > 0) {
        console.error(
          `tokentap replay: --strict: ${misses} request${misses === 1 ? '' : 's'} matched no recording`,
        );
        return 1;
      }
      return 0;
    },
  });
  return -1;
}
