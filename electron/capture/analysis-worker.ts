/**
 * The analysis worker: a worker thread that runs the capture pipeline, so parsing, merging and
 * pricing never share a thread (or a heap, or its garbage collections) with forwarding. It gets
 * capture events in batches from AnalysisWorkerHost and sends back final records, summaries of
 * exchanges in flight (coalesced per frame) and answers to queries.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { ThreadTracker } from '../../shared/threads/thread-tracker.ts';
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
import { CapturePipeline, DEFAULT_LIMITS, defaultAnalyzers } from './capture-pipeline.ts';
import { exchangeChars, type FinishedExchange, finishExchange, RecordLines } from './finished-exchange.ts';

const port = parentPort;
if (!port) throw new Error('analysis-worker.ts runs as a worker thread (see analysis-worker-host.ts)');

yieldToForwarding();
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

const { limits, analyzersModule, released } = workerData as AnalysisWorkerData;
const releasedBytes = new Int32Array(released);
/** The conversation threads of every exchange (seeded from the previous session by `seed-threads`). */
const threads = new ThreadTracker();
const analyzers: AnalyzerFactory[] = analyzersModule
  ? (await import(analyzersModule)).default(limits ?? DEFAULT_LIMITS)
  : defaultAnalyzers(limits ?? DEFAULT_LIMITS, threads);

/**
 * Records go out together, at most one message per RECORDS_MS: every message wakes the forwarding
 * thread. (A record is on disk within a hand-off, this and the session writer's 50 ms.)
 */
const RECORDS_MS = 10;
/**
 * Record bytes that go out at once. A worker that is behind never gets to its timer: Node hands a
 * port's queued messages over in one go (up to all of them), so while batches keep arriving the
 * timer waits, and every record finished meanwhile (300 KB each for agent traffic) waited with it:
 * the worker ran out of heap, and none of it reached the file.
 */
const RECORDS_BYTES = 1024 * 1024;
let finished: FinishedExchange[] = [];
/** Where the waiting records' lines are encoded: their buffers move to the forwarding thread with them. */
const lines = new RecordLines();
/**
 * The message blocks whose lines are in the session file records go to (`blockSession`), as the
 * forwarding thread reports them written: records refer to these without carrying their texts (an
 * agent re-sends its whole history every turn, most of every request). Reports about another file
 * (the previous session's, still finishing its writes) are ignored. Bounded: past the bound it
 * starts again empty, and records carry texts the writer then finds it has.
 */
let blockSession: string | null = null;
const writtenBlocks = new Set<string>();
const WRITTEN_BLOCKS_MAX = 100_000;
let finishedBytes = 0;
/** When the oldest waiting record was finished (performance.now()). */
let finishedSince = 0;
let recordsTimer: NodeJS.Timeout | null = null;
function postRecords(): void {
  if (recordsTimer) clearTimeout(recordsTimer);
  recordsTimer = null;
  if (finished.length === 0) return;
  post({ type: 'records', exchanges: finished }, lines.take());
  finished = [];
  finishedBytes = 0;
}

/** Sends the waiting records when they are many bytes or old: the timer alone is not enough (see above). */
function postRecordsIfDue(): void {
  if (
    finishedBytes >= RECORDS_BYTES ||
    (finished.length > 0 && performance.now() - finishedSince >= RECORDS_MS)
  )
    postRecords();
}

/**
 * Summaries of exchanges in flight, coalesced per frame: the one coalescing stage of the live path
 * (the main thread keeps them as its map of exchanges in flight and passes them on as they come).
 * While nobody watches, an exchange is sent only when its state changes (pending, streaming), so
 * listing finds each one in its current state without asking here, but its chunks do not cost a
 * message each frame; watching again sends everything in flight as it is.
 */
const live = new UpdateBatcher({ send: (batch) => post({ type: 'updates', batch }) });
let watched = false;
/** While nobody watches: the state each exchange in flight was last sent in. */
const announced = new Map<string, ExchangeRecord['state']>();

function changed(record: ExchangeRecord, summary: () => ExchangeSummary): void {
  if (!watched) {
    if (announced.get(record.id) === record.state) return;
    announced.set(record.id, record.state);
  }
  live.exchange(record.id, summary);
}

/** Whether the OpenTelemetry export is on (and with content): each record then carries its span. */
let telemetryContent: boolean | null = null;
const pipeline = new CapturePipeline({
  limits,
  analyzers,
  log: (message) => post({ type: 'log', message }),
  onRecord: (record, requestBlocks) => {
    // Its record says the rest: no summary of it follows it out.
    live.forget(record.id);
    announced.delete(record.id);
    const exchange = finishExchange(record, telemetryContent, { lines, writtenBlocks, requestBlocks });
    if (finished.length === 0) {
      finishedSince = performance.now();
      recordsTimer = setTimeout(postRecords, RECORDS_MS);
    }
    finished.push(exchange);
    finishedBytes += exchangeChars(exchange);
    postRecordsIfDue();
  },
  onChange: (record, summary) => changed(record, summary),
});

function setWatched(on: boolean): void {
  watched = on;
  announced.clear();
  if (!on) return;
  // Whoever starts watching sees what is in flight as it is now.
  for (const { record, summary } of pipeline.liveExchanges()) live.exchange(record.id, summary);
}

function answer(query: AnalysisQuery): AnalysisAnswers[keyof AnalysisAnswers] {
  switch (query.query) {
    case 'record':
      return (pipeline.liveRecord(query.exchangeId) ?? null) as ExchangeRecord | null;
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
      postRecordsIfDue();
      return;
    case 'live-updates':
      setWatched(message.on);
      return;
    case 'telemetry':
      telemetryContent = message.captureContent;
      return;
    case 'blocks-for':
      blockSession = message.session;
      writtenBlocks.clear();
      return;
    case 'blocks-written':
      if (message.session !== blockSession) return;
      if (writtenBlocks.size + message.hashes.length > WRITTEN_BLOCKS_MAX) writtenBlocks.clear();
      for (const hash of message.hashes) writtenBlocks.add(hash);
      return;
    case 'seed-threads':
      threads.seed(message.seeds);
      return;
    case 'stop':
      postRecords();
      live.flush();
      live.close();
      port.close();
      return;
    case 'query':
      // Records finished before the question are delivered before its answer (and, for `idle`,
      // the summaries of what is in flight too).
      postRecords();
      if (message.query === 'idle') live.flush();
      post({ type: 'answer', id: message.id, value: answer(message) });
      return;
  }
});
