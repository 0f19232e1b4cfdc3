import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ExportFile, ExportFormat } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { harTextPieces } from '../../shared/export-formats/har-format.ts';
import { FILE_MODE } from '../data-dir.ts';
import { TOKENTAP_VERSION } from '../version.ts';

/** What an export is called and what it is, before a byte of it is written. */
export type ExportFileInfo = Omit<ExportFile, 'content'>;

export function exportFileInfo(format: ExportFormat, sessionName: string): ExportFileInfo {
  return format === 'har'
    ? { fileName: `tokentap-${sessionName}.har`, mimeType: 'application/json' }
    : { fileName: `tokentap-${sessionName}.jsonl`, mimeType: 'application/x-ndjson' };
}

/** Text is handed on in pieces of about this size: one write per record would be a syscall per record. */
const PIECE_CHARS = 256 * 1024;

/**
 * Writes the records as a JSONL or HAR file, one record at a time: however large the session,
 * only one record and one piece of output are in memory. Resolves with the number of records.
 */
export async function writeExport(
  format: ExportFormat,
  records: AsyncIterable<ExchangeRecord> | Iterable<ExchangeRecord>,
  write: (text: string) => Promise<void> | void,
): Promise<number> {
  let pending = '';
  const add = async (text: string): Promise<void> => {
    pending += text;
    if (pending.length < PIECE_CHARS) return;
    const piece = pending;
    pending = '';
    await write(piece);
  };
  let count = 0;
  if (format === 'jsonl') {
    for await (const record of records) {
      await add(`${JSON.stringify(record)}\n`);
      count++;
    }
  } else {
    const har = harTextPieces({ version: TOKENTAP_VERSION });
    await add(har.head);
    for await (const record of records) await add(har.entry(record, count++));
    await add(har.tail(count));
  }
  if (pending !== '') await write(pending);
  return count;
}

/** A `write` for `writeExport` into a stream (a file, an HTTP response) that waits when it is full. */
export function streamWriter(out: Writable): (text: string) => Promise<void> {
  // A failed write (a full disk) surfaces at the next piece rather than as an unhandled event.
  let failure: Error | null = null;
  out.on('error', (error) => {
    failure ??= error;
  });
  return async (text) => {
    if (failure) throw failure;
    if (out.destroyed) throw new Error('the export was cancelled (its destination closed)');
    if (!out.write(text)) await drainedOrClosed(out);
  };
}

/** Waits for `drain` or `close`, then removes every listener it added (one wait per full buffer). */
async function drainedOrClosed(out: Writable): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: stop.signal }),
      once(out, 'close', { signal: stop.signal }),
    ]);
  } finally {
    // The waiter that lost still listens (and `once` adds an `error` listener too) until aborted.
    stop.abort();
  }
}

/**
 * Streams an export into a new file at `path`; resolves with the number of records once it is
 * on disk. A failure midway removes the partial file.
 */
export async function writeExportFile(
  path: string,
  writeTo: (out: Writable) => Promise<number>,
): Promise<number> {
  // 600: an export holds the same traffic as the session it comes from.
  const file = createWriteStream(path, { mode: FILE_MODE });
  await once(file, 'open');
  try {
    const count = await writeTo(file);
    file.end();
    await finished(file);
    return count;
  } catch (error) {
    file.destroy();
    await rm(path, { force: true });
    throw error;
  }
}

/** The whole export as one string (what the renderer's IPC call returns; big sessions stream instead). */
export async function exportFile(
  format: ExportFormat,
  records: AsyncIterable<ExchangeRecord> | Iterable<ExchangeRecord>,
  sessionName: string,
): Promise<ExportFile> {
  const pieces: string[] = [];
  await writeExport(format, records, (text) => {
    pieces.push(text);
  });
  return { ...exportFileInfo(format, sessionName), content: pieces.join('') };
}
