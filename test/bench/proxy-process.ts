/**
 * Child process: the proxy under test, in its own process so its RSS can be read and its event
 * loop is not shared with the load generator or the upstream.
 *
 *   node proxy-process.ts tokentap <upstream-url> <queue-bytes>   the real capture service
 *   node proxy-process.ts bare <upstream-url>                      a bare node:http pipe
 *
 * Commands: stats (RSS, heap, capture queue), pause/resume (stall the analysis side), drain (wait
 * until the analysis has caught up), gc, stop.
 */
import { startCaptureService } from '../../electron/capture-service.ts';
import { parseUpstream } from '../../electron/proxy/upstream-target.ts';
import { startBareProxy } from './bare-proxy.ts';
import { baseStats, serveCommands, toParent } from './ipc.ts';

const [mode, upstreamUrl, queueBytesArg] = process.argv.slice(2);
if (!upstreamUrl || (mode !== 'tokentap' && mode !== 'bare')) {
  console.error('usage: proxy-process.ts tokentap|bare <upstream-url> [queue-bytes]');
  process.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;
let records = 0;

if (mode === 'tokentap') {
  const service = await startCaptureService({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: parseUpstream(upstreamUrl),
    headersTimeoutMs: 60_000,
    onRecord() {
      records++;
    },
    ...(queueBytesArg ? { queueBytes: Number(queueBytesArg) } : {}),
  });
  const { queue } = service.analysis;
  serveCommands(async (cmd) => {
    switch (cmd) {
      case 'stats':
        return {
          ...(await baseStats()),
          queueLength: queue.length,
          droppedParts: queue.droppedParts,
          inFlight: (await service.analysis.stats()).inFlight,
          records,
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
        process.exit(0);
    }
  });
  toParent({ type: 'ready', url: service.proxy.url });
} else {
  const bare = await startBareProxy(upstreamUrl);
  serveCommands(async (cmd) => {
    if (cmd === 'stats') return baseStats();
    if (cmd === 'gc') gc?.();
    if (cmd === 'stop') {
      bare.server.closeAllConnections();
      bare.server.close();
      process.exit(0);
    }
    return undefined;
  });
  toParent({ type: 'ready', url: bare.url });
}
