/**
 * Child process: the proxy under test, in its own process so its RSS can be read and its event
 * loop is not shared with the load generator or the upstream.
 *
 *   node proxy-process.ts tokentap <upstream-url> <queue-bytes>   Tokentap as the product composes it
 *                                                                   (InspectorService, a temporary data directory)
 *   node proxy-process.ts bare <upstream-url>                      a bare node:http pipe
 *   node proxy-process.ts floor <upstream-url>                     the bare pipe appending each exchange
 *                                                                   to a file (the floor of capture, bare-proxy.ts)
 *
 * Commands: stats (RSS, heap, capture queue), pause/resume (stall the analysis side), drain (wait
 * until the analysis has caught up), gc, stop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InspectorService } from '../../electron/inspector-service.ts';
import type { RunningProxy } from '../../electron/proxy/proxy-server.ts';
import { startBareProxy } from './bare-proxy.ts';
import { baseStats, serveCommands, toParent } from './ipc.ts';

const [mode, upstreamUrl, queueBytesArg] = process.argv.slice(2);
if (!upstreamUrl || (mode !== 'tokentap' && mode !== 'bare' && mode !== 'floor')) {
  console.error('usage: proxy-process.ts tokentap|bare|floor <upstream-url> [queue-bytes]');
  process.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;

if (mode === 'tokentap') {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokentap-bench-'));
  const service = await InspectorService.start({
    dataDir,
    env: { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: upstreamUrl },
    headersTimeoutMs: 60_000,
    log: (message) => console.error(`[proxy-process] ${message}`),
    requireProxy: true,
    ...(queueBytesArg ? { capture: { queueBytes: Number(queueBytesArg) } } : {}),
  });
  const { queue } = service.analysis;
  const proxy = service.proxy as RunningProxy;
  serveCommands(async (cmd) => {
    switch (cmd) {
      case 'stats':
        return {
          ...(await baseStats()),
          queueLength: queue.length,
          droppedParts: queue.droppedParts,
          inFlight: service.analysis.inFlight().length,
          // Written to the session file (nobody subscribes: the worker runs as with no window open).
          records: (await service.status()).session.exchanges,
        };
      case 'pause':
        queue.pause();
        return undefined;
      case 'resume':
        queue.resume();
        return undefined;
      case 'drain':
        // Answered once everything pushed so far has been analysed and delivered.
        await service.analysis.idle();
        return undefined;
      case 'gc':
        gc?.();
        return undefined;
      case 'stop':
        await service.close();
        await rm(dataDir, { recursive: true, force: true });
        process.exit(0);
    }
  });
  toParent({ type: 'ready', url: proxy.url });
} else {
  const recordDir = mode === 'floor' ? await mkdtemp(join(tmpdir(), 'tokentap-bench-floor-')) : null;
  const bare = await startBareProxy(upstreamUrl, recordDir ? join(recordDir, 'exchanges.jsonl') : undefined);
  serveCommands(async (cmd) => {
    if (cmd === 'stats') return { ...(await baseStats()), records: bare.recorded() };
    if (cmd === 'gc') gc?.();
    if (cmd === 'stop') {
      bare.server.closeAllConnections();
      bare.server.close();
      bare.close();
      if (recordDir) await rm(recordDir, { recursive: true, force: true });
      process.exit(0);
    }
    return undefined;
  });
  toParent({ type: 'ready', url: bare.url });
}
