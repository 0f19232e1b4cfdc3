/**
 * The session file worker: a worker thread that imports and exports session files, so parsing a
 * 300 MB HAR or a deeply nested JSON, and serialising an export, never run on (or stall) the
 * forwarding thread. One worker per job; see session-file-jobs.ts for the other side.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../shared/error-message.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { JsonlReader } from '../../shared/export-formats/jsonl-format.ts';
import { isRecord, parseJson } from '../../shared/wire/json-fields.ts';
import { finishExchange } from '../capture/finished-exchange.ts';
import { FILE_MODE } from '../data-dir.ts';
import { writeExport } from './export-writer.ts';
import { importSessionFile } from './import-session-file.ts';
import type { FileJob, FromFileWorker, ToFileWorker } from './session-file-protocol.ts';
import { readRecords } from './session-index.ts';
import { SessionLines } from './session-lines.ts';

const port = parentPort;
if (!port) throw new Error('session-file-worker.ts runs as a worker thread (see session-file-jobs.ts)');
const post = (message: FromFileWorker): void => port.postMessage(message);

/** How much of an imported file is looked at to tell a JSONL file (streamed line by line) from the rest. */
const PEEK_BYTES = 64 * 1024;

/** Writes a session's data and index files line by line, waiting when the disk is behind, then its search sidecar. */
class SessionFilesOut {
  readonly #data: Writable;
  readonly #index: Writable;
  readonly #sidecarPath: string;
  readonly #lines = new SessionLines();
  count = 0;

  constructor(dataPath: string, indexPath: string, sidecarPath: string) {
    this.#data = createWriteStream(dataPath, { mode: FILE_MODE });
    this.#index = createWriteStream(indexPath, { mode: FILE_MODE });
    this.#sidecarPath = sidecarPath;
  }

  async add(record: ExchangeRecord): Promise<void> {
    const { blocks, line, index } = this.#lines.add(finishExchange(record));
    if (blocks !== '') this.#data.write(blocks);
    const fullData = !this.#data.write(line);
    const fullIndex = !this.#index.write(index);
    this.count++;
    if (fullData) await once(this.#data, 'drain');
    if (fullIndex) await once(this.#index, 'drain');
  }

  async end(): Promise<number> {
    this.#data.end();
    this.#index.end();
    await Promise.all([finished(this.#data), finished(this.#index)]);
    await this.#lines.sidecar.save(this.#sidecarPath);
    return this.count;
  }
}

/** A JSONL file, one record at a time: the whole file is never in memory. The checks and words of `parseJsonl`. */
async function importJsonlLines(path: string, out: SessionFilesOut): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  const reader = new JsonlReader();
  let at = 0;
  for await (const raw of lines) {
    at++;
    const record = reader.line(at === 1 ? raw.replace(/^\uFEFF/, '') : raw, at);
    if (record !== null) await out.add(record);
  }
}

/** Whether a file is JSONL by its first line: a complete JSON value that is not a HAR (`log`). */
async function looksLikeJsonl(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
    const text = buffer.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '');
    const firstLine = text.split('\n').find((line) => line.trim() !== '');
    // A first line longer than the peek, or none: decided by the whole-file reader.
    if (firstLine === undefined || !text.includes('\n')) return false;
    const value = parseJson(firstLine);
    return value !== undefined && !(isRecord(value) && 'log' in value);
  } finally {
    await handle.close();
  }
}

async function runImport(job: Extract<FileJob, { kind: 'import' }>): Promise<number> {
  const out = new SessionFilesOut(job.dataPath, job.indexPath, job.sidecarPath);
  try {
    if (job.path !== null && (await looksLikeJsonl(job.path))) await importJsonlLines(job.path, out);
    else {
      // HAR (one JSON document) and anything unclear: parsed whole, here, off the forwarding thread.
      const text = job.text ?? (await readFile(job.path as string, 'utf8'));
      for (const record of importSessionFile(job.name, text)) await out.add(record);
    }
  } finally {
    await out.end();
  }
  return out.count;
}

/** Waits for the other side to take a piece before the next (it writes them to a stream that may be slow). */
let more: (() => void) | null = null;
port.on('message', (message: ToFileWorker) => {
  if (message.type === 'more') {
    const go = more;
    more = null;
    go?.();
  }
});

async function runExport(job: Extract<FileJob, { kind: 'export' }>): Promise<number> {
  const entries = [];
  for (let i = 0; i < job.spans.length; i += 2)
    entries.push({ offset: job.spans[i] as number, length: job.spans[i + 1] as number });
  // Summaries are not needed to read records back.
  const records = readRecords(
    job.dataPath,
    entries.map((e) => ({ ...e, summary: undefined as never })),
    job.blocks,
  );
  return writeExport(job.format, records, (text) => {
    const taken = new Promise<void>((resolve) => {
      more = resolve;
    });
    post({ type: 'piece', text });
    return taken;
  });
}

const job = workerData as FileJob;
try {
  const count = job.kind === 'import' ? await runImport(job) : await runExport(job);
  post({ type: 'done', count });
} catch (error) {
  post({ type: 'failed', message: errorMessage(error) });
}
// The job is over: the thread exits on its own once its last file handle is closed.
port.close();
