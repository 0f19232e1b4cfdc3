/**
 * The OpenTelemetry thread: parses finished records, makes them spans and metric points, and runs
 * OpenTelemetry's SDK and exporters, all away from the thread that forwards traffic (a record of a
 * coding agent's turn is megabytes of JSON).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exchangeChars, recordOf } from '../capture/finished-exchange.ts';
import { OtelExport } from './otel-export.ts';
import type { FromOtelWorker, OtelWorkerData, ToOtelWorker } from './otel-messages.ts';

const port = parentPort;
if (!port) throw new Error('otel-worker.ts runs as a worker thread');
const { config } = workerData as OtelWorkerData;
const post = (message: FromOtelWorker): void => port.postMessage(message);

let changed = false;
let done = 0;
let doneBytes = 0;
let reportScheduled = false;
const exporter = new OtelExport(config, {
  log: (message) => post({ type: 'log', message }),
  onStatus: () => {
    changed = true;
    scheduleReport();
  },
});

/** One status message per turn, however many records it took. */
function scheduleReport(): void {
  if (reportScheduled) return;
  reportScheduled = true;
  setImmediate(() => {
    reportScheduled = false;
    post({ type: 'status', status: exporter.status(), done, doneBytes, changed });
    done = 0;
    doneBytes = 0;
    changed = false;
  });
}

port.on('message', (message: ToOtelWorker) => {
  if (message.type === 'close') {
    void exporter.close().finally(() => post({ type: 'closed', status: exporter.status() }));
    return;
  }
  for (const exchange of message.json) {
    doneBytes += exchangeChars(exchange);
    try {
      exporter.record(recordOf(exchange));
    } catch (error) {
      post({
        type: 'log',
        message: `OpenTelemetry export: a record was skipped: ${(error as Error).message}`,
      });
    }
  }
  done += message.json.length;
  scheduleReport();
});
