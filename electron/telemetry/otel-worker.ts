/**
 * The OpenTelemetry thread: takes the spans the analysis worker made of finished exchanges, and
 * runs OpenTelemetry's SDK and exporters (batching, protobuf or JSON, HTTP, retries) away from the
 * thread that forwards traffic, at a lower priority than it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { yieldToForwarding } from '../thread-priority.ts';
import { spanSize } from './genai-span.ts';
import { OtelExport } from './otel-export.ts';
import type { FromOtelWorker, OtelWorkerData, ToOtelWorker } from './otel-messages.ts';

const port = parentPort;
if (!port) throw new Error('otel-worker.ts runs as a worker thread');
yieldToForwarding();
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
  onCounts: scheduleReport,
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
    void exporter.close().finally(() => {
      post({ type: 'closed', status: exporter.status() });
      // Nothing more comes: the thread exits once the exporter's last handles are gone.
      port.close();
    });
    return;
  }
  for (const span of message.spans) {
    doneBytes += spanSize(span);
    try {
      exporter.recordSpan(span);
    } catch (error) {
      post({
        type: 'log',
        message: `OpenTelemetry export: a span was skipped: ${(error as Error).message}`,
      });
    }
  }
  done += message.spans.length;
  scheduleReport();
});
