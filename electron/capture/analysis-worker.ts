/**
 * The analysis worker: a worker thread that runs the capture pipeline, so parsing, merging and
 * pricing never share a thread (or a heap, or its garbage collections) with forwarding. It gets
 * capture events in batches from AnalysisThread and sends back final records, live summaries
 * (coalesced per frame, only while someone watches) and answers to queries.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExchangeRecord } from '../../shared/exchange-record.ts';
import { UpdateBatcher } from '../bridge/update-batcher.ts';
import { yieldToForwarding } from '../thread-priority.ts';
import type {
  AnalysisAnswers,
  AnalysisQuery,
  AnalysisWorkerData,
  FromWorker,
  ToWorker,
} from './analysis-protocol.ts';
import { unpackEvents } from './analysis-protocol.ts';
import type { AnalyzerFactory } from './analyzer.ts';
import { CapturePipeline, DEFAULT_LIMITS } from './capture-pipeline.ts';
import { type FinishedExchange, finishExchange } from './finished-exchange.ts';

const port = parentPort;
if (!port) throw new Error('analysis-worker.ts runs as a worker thread (see analysis-thread.ts)');

yieldToForwarding();
const post = (message: FromWorker): void => port.postMessage(message);

const { limits, analyzersModule, released } = workerData as AnalysisWorkerData;
const releasedBytes = new Int32Array(released);
const analyzers: AnalyzerFactory[] | undefined = analyzersModule
  ? (await import(analyzersModule)).default(limits ?? DEFAULT_LIMITS)
  : undefined;

/**
 * Records go out together, at most one message per RECORDS_MS: every message wakes the forwarding
 * thread. (A record is on disk within a hand-off, this and the session writer's 50 ms.)
 */
const RECORDS_MS = 10;
let finished: FinishedExchange[] = [];
function postRecords(): void {
  if (finished.length === 0) return;
  post({ type: 'records', exchanges: finished });
  finished = [];
}

/** Whether the OpenTelemetry export is on (and with content): each record then carries its span. */
let telemetryContent: boolean | null = null;
let live: UpdateBatcher | null = null;
const pipeline = new CapturePipeline({
  limits,
  analyzers,
  log: (message) => post({ type: 'log', message }),
  onRecord: (record) => {
    if (finished.length === 0) setTimeout(postRecords, RECORDS_MS);
    finished.push(finishExchange(record, telemetryContent));
  },
  onChange: (record, summary) => live?.exchange(record, summary),
});

function setLive(on: boolean): void {
  live?.close();
  live = null;
  if (!on) return;
  live = new UpdateBatcher({ send: (batch) => post({ type: 'updates', batch }) });
  live.ready();
  // Whoever starts watching sees what is already in flight.
  for (const { record, summary } of pipeline.liveExchanges()) live.exchange(record, summary);
}

function answer(query: AnalysisQuery): AnalysisAnswers[keyof AnalysisAnswers] {
  switch (query.query) {
    case 'record':
      return (pipeline.liveRecord(query.exchangeId) ?? null) as ExchangeRecord | null;
    case 'in-flight':
      return pipeline.liveSummaries();
    case 'stats':
      return { inFlight: pipeline.inFlight };
    case 'idle':
      // Messages are handled in order: everything sent before this query has been analysed.
      return null;
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'events':
      unpackEvents(message, (event, dropped) => pipeline.consume(event, dropped));
      Atomics.add(releasedBytes, 0, message.bytes.byteLength);
      return;
    case 'capture-paused':
      pipeline.paused = message.paused;
      return;
    case 'live-updates':
      setLive(message.on);
      return;
    case 'telemetry':
      telemetryContent = message.captureContent;
      return;
    case 'query':
      // Records finished before the question are delivered before its answer.
      postRecords();
      post({ type: 'answer', id: message.id, value: answer(message) });
      return;
  }
});
