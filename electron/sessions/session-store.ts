import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSessionId } from '../../shared/contract/arguments.ts';
import type { CaptureHealth, ExportFormat, SessionInfo } from '../../shared/contract/inspector-contract.ts';
import { errorMessage } from '../../shared/error-message.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { type FinishedExchange, finishExchange } from '../capture/finished-exchange.ts';
import { ensurePrivateDir, FILE_MODE } from '../data-dir.ts';
import { sidecarPath } from '../search/search-sidecar.ts';
import { writeExport } from './export-writer.ts';
import { importSessionFile } from './import-session-file.ts';
import { runFileJob } from './session-file-jobs.ts';
import {
  type BlockSpan,
  type BlockSpans,
  type IndexEntry,
  loadIndex,
  readRecord,
  readRecords,
} from './session-index.ts';
import { SessionLines } from './session-lines.ts';
import { liveOwner, SessionLock } from './session-lock.ts';
import { type OpenForAppend, SessionWriter, type WriterHealth } from './session-writer.ts';

/** An opened session: where each exchange's line is, plus its summary. */
interface SessionEntries {
  entries: IndexEntry[];
  byId: Map<string, IndexEntry>;
  /** Its message blocks (what records' request bodies refer to). */
  blocks: Map<string, BlockSpan>;
  /** The data file's size when loaded: a session another instance still writes is reloaded when it grew. */
  bytes: number;
}

export interface SessionStoreOptions {
  /**
   * Exchanges whose lines just reached the current session's file (what the list may show now),
   * and the message blocks whose lines reached it before them (by hash).
   */
  onWritten?: (summaries: ExchangeSummary[], blocks: string[], session: string) => void;
  /** Capture's health changed: writes fail, work again, or records were given up. */
  onHealth?: (health: CaptureHealth) => void;
  /** The seam fault tests open files through. */
  openFile?: OpenForAppend;
}

/** The current session: its writer and lock, or why there is none (the data directory cannot be written). */
type Live = { writer: SessionWriter; lock: SessionLock | null } | { off: string };

const DATA_EXT = '.jsonl';
const INDEX_EXT = '.index.jsonl';
const LOCK_EXT = '.lock';
/** Imports and exports up to this size run on the calling thread (a few milliseconds); larger ones in a worker. */
export const INLINE_BYTES = 1024 * 1024;
// Past sessions kept opened (their summaries in memory) besides the current one.
const OPENED_LIMIT = 2;

/**
 * The sessions in the data directory: one current session that live capture appends to, and
 * past ones that open read-only. Each is a JSONL file of exchange records plus an index file of
 * summaries and byte offsets, so opening one never parses the bodies.
 */
export class SessionStore {
  readonly #dir: string;
  readonly #log: (message: string) => void;
  readonly #options: SessionStoreOptions;
  #currentId: string;
  #current: SessionEntries;
  #live: Live;
  /** Exchanges given up while no session could be written. */
  #lostWhileOff = 0;
  readonly #opened = new Map<string, SessionEntries>();

  private constructor(
    dir: string,
    log: (message: string) => void,
    options: SessionStoreOptions,
    id: string,
    live: Live,
  ) {
    this.#dir = dir;
    this.#log = log;
    this.#options = options;
    this.#currentId = id;
    this.#current = emptyEntries();
    this.#live = live;
  }

  /**
   * Opens the store in `dir/sessions` (mode 700) and starts a new current session. Never throws
   * for the disk: when the directory cannot be created or written, capture is off (said once in
   * the log and in `health`), and everything else still works.
   */
  static async open(
    dataDir: string,
    log: (message: string) => void,
    options: SessionStoreOptions = {},
  ): Promise<SessionStore> {
    const dir = join(dataDir, 'sessions');
    const id = newSessionId();
    const store = new SessionStore(dir, log, options, id, { off: 'not opened yet' });
    store.#live = await store.#openLive(id, dataDir);
    return store;
  }

  /** Takes the lock, then opens the files: a session file never exists without its owner's lock. */
  async #openLive(id: string, dataDir?: string): Promise<Live> {
    let lock: SessionLock | null = null;
    try {
      if (dataDir !== undefined) await ensurePrivateDir(dataDir);
      await ensurePrivateDir(this.#dir);
      lock = await SessionLock.acquire(this.#lockPath(id), this.#dir, id).catch((error: unknown) => {
        // Capture never depends on the lock: without one, another instance sees this session as finished.
        this.#log(
          `cannot lock session ${id} (${errorMessage(error)}); another Tokentap would list it as finished`,
        );
        return null;
      });
      const writer = await SessionWriter.open(
        this.#dataPath(id),
        this.#indexPath(id),
        {
          written: (entries, blocks) => this.#written(id, entries, blocks),
          health: (health) => this.#healthChanged(id, health),
        },
        {
          sidecarPath: sidecarPath(this.#dataPath(id)),
          ...(this.#options.openFile ? { openFile: this.#options.openFile } : {}),
        },
      );
      return { writer, lock };
    } catch (error) {
      await lock?.release().catch(() => undefined);
      const off = `cannot write sessions in ${this.#dir} (${errorMessage(error)})`;
      this.#log(`capture is OFF: ${off}; the proxy forwards, nothing is recorded`);
      return { off };
    }
  }

  #written(id: string, entries: IndexEntry[], blocks: ReadonlyMap<string, BlockSpan>): void {
    if (id !== this.#currentId) return;
    for (const [hash, span] of blocks) this.#current.blocks.set(hash, span);
    for (const entry of entries) {
      this.#current.entries.push(entry);
      this.#current.byId.set(entry.summary.id, entry);
    }
    this.#options.onWritten?.(
      entries.map((e) => e.summary),
      [...blocks.keys()],
      id,
    );
  }

  #healthChanged(id: string, health: WriterHealth): void {
    if (health.state === 'failing')
      this.#log(
        `cannot write session ${id}: ${health.error} (retrying; ${health.waiting} waiting, ${health.lost} lost)`,
      );
    else this.#log(`session ${id} is written again (${health.lost} exchanges lost meanwhile)`);
    if (id === this.#currentId) this.#options.onHealth?.(this.health);
  }

  /** Whether live capture reaches the disk, and why not. */
  get health(): CaptureHealth {
    if ('off' in this.#live)
      return { state: 'off', error: this.#live.off, since: null, waiting: 0, lost: this.#lostWhileOff };
    const health = this.#live.writer.health;
    return health.state === 'ok'
      ? { state: 'ok', error: null, since: null, waiting: 0, lost: health.lost }
      : {
          state: 'failing',
          error: health.error,
          since: health.since,
          waiting: health.waiting,
          lost: health.lost,
        };
  }

  get currentId(): string {
    return this.#currentId;
  }

  /** Appends a finished exchange to the current session; it is listed once it is on disk. */
  append(exchange: FinishedExchange): void {
    if ('off' in this.#live) this.#lostWhileOff++;
    else this.#live.writer.append(exchange);
  }

  /** Writes everything appended so far. */
  async flush(): Promise<void> {
    if (!('off' in this.#live)) await this.#live.writer.flush();
  }

  /**
   * Starts a new current session (trying the disk again if capture was off); the previous one
   * becomes a past session. `beforeSwitch` runs with the new id while records still go to the
   * previous file (the analysis worker then stops leaving out the texts of blocks that file has).
   */
  async startNew(beforeSwitch?: (id: string) => Promise<void>): Promise<SessionInfo> {
    const id = newSessionId();
    await beforeSwitch?.(id);
    const previous = this.#live;
    // The id first: records the new writer reports are the new session's.
    this.#currentId = id;
    this.#current = emptyEntries();
    this.#live = await this.#openLive(id);
    await closeLive(previous, this.#log);
    this.#lostWhileOff = 0;
    this.#options.onHealth?.(this.health);
    return this.info(id);
  }

  /** The newest session captured before the current one (imports aside) and its index file, without opening any: null when there is none. */
  async previousCaptured(): Promise<{ id: string; indexPath: string } | null> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const ids = names
      .filter((n) => n.endsWith(DATA_EXT) && !n.endsWith(INDEX_EXT) && !n.startsWith('.'))
      .map((n) => n.slice(0, -DATA_EXT.length))
      // Captured sessions are named by newSessionId alone (imports add a label); the names sort by time.
      .filter((id) => /^\d{4}-\d{2}-\d{2}T[\d-]+Z-[0-9a-f]{4}$/.test(id) && id !== this.#currentId)
      .sort();
    const id = ids.at(-1);
    return id === undefined ? null : { id, indexPath: this.#indexPath(id) };
  }

  /** Every session, newest first. */
  async list(): Promise<SessionInfo[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const ids = names
      .filter((n) => n.endsWith(DATA_EXT) && !n.endsWith(INDEX_EXT) && !n.startsWith('.'))
      .map((n) => n.slice(0, -DATA_EXT.length))
      .filter(isSessionId);
    const infos = await Promise.all(ids.map((id) => this.info(id).catch(() => null)));
    return infos
      .filter((info): info is SessionInfo => info !== null)
      .sort((a, b) =>
        a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.name.localeCompare(a.name),
      );
  }

  async info(id: string): Promise<SessionInfo> {
    const current = id === this.#currentId;
    const base = { id, name: id, createdAt: createdAtOf(id), current };
    if (current) {
      const bytes = 'off' in this.#live ? 0 : this.#live.writer.size;
      return { ...base, exchanges: this.#current.entries.length, bytes };
    }
    const owner = await liveOwner(this.#lockPath(checkId(id)));
    const entries = await this.#entries(id);
    const info = { ...base, exchanges: entries.entries.length, bytes: entries.bytes };
    return owner === null ? info : { ...info, liveElsewhere: { pid: owner } };
  }

  /** Summaries of a session's exchanges, in capture order (null: the current session). */
  async summaries(id: string | null): Promise<ExchangeSummary[]> {
    // Exchanges that just ended are written first, so none is missing between in flight and on disk.
    if (id === null || id === this.#currentId) await this.flush();
    const { entries } = await this.#entries(id);
    return entries.map((e) => e.summary);
  }

  /** One full record, read back from its line; null when the session has no such exchange (on disk). */
  async record(exchangeId: string, id: string | null): Promise<ExchangeRecord | null> {
    const sessionId = id ?? this.#currentId;
    // What was appended is written first: an exchange that just ended is then found.
    if (sessionId === this.#currentId) await this.flush();
    const { byId, blocks } = await this.#entries(sessionId);
    const entry = byId.get(exchangeId);
    if (!entry) return null;
    return readRecord(this.#dataPath(sessionId), entry, blocks);
  }

  /**
   * Full records of a session, read from disk as they are asked for: all of them in capture order,
   * or those of `exchangeIds` in that order (ids the session does not have are skipped). Resolves
   * once the session is found (or rejects), before any record is read.
   */
  async records(
    exchangeIds: readonly string[] | null,
    id: string | null,
  ): Promise<AsyncGenerator<ExchangeRecord>> {
    const sessionId = id ?? this.#currentId;
    if (sessionId === this.#currentId) await this.flush();
    const { entries, byId, blocks } = await this.#entries(sessionId);
    // A snapshot of what is on disk: the current session goes on growing meanwhile.
    const wanted =
      exchangeIds === null
        ? entries.slice()
        : exchangeIds.map((exchangeId) => byId.get(exchangeId)).filter((e) => e !== undefined);
    return readRecords(this.#dataPath(sessionId), wanted, new Map(blocks));
  }

  /**
   * A session's file and the places of its lines (exchanges, and the message blocks they refer to),
   * for full-text search (null: the current session, flushed first). `finished`: nobody writes the
   * session any more (not the current one, nor live in another instance), so search may save its
   * rebuilt sidecar.
   */
  async lines(
    id: string | null,
  ): Promise<{ dataPath: string; entries: readonly IndexEntry[]; blocks: BlockSpans; finished: boolean }> {
    const sessionId = id ?? this.#currentId;
    const current = sessionId === this.#currentId;
    if (current) await this.flush();
    const { entries, blocks } = await this.#entries(sessionId);
    const finished = !current && (await liveOwner(this.#lockPath(sessionId))) === null;
    return { dataPath: this.#dataPath(sessionId), entries, blocks: new Map(blocks), finished };
  }

  /** Deletes a past session (the current one, or one another instance is capturing into, cannot be deleted). */
  async delete(id: string): Promise<void> {
    checkId(id);
    if (id === this.#currentId)
      throw new Error('The current session cannot be deleted; start a new session first.');
    // Looked up by exact name among the session files, never as a path built from the request.
    if (!(await readdir(this.#dir)).includes(id + DATA_EXT)) throw new Error(`There is no session "${id}".`);
    const owner = await liveOwner(this.#lockPath(id));
    if (owner !== null)
      throw new Error(
        `Session "${id}" is live in another Tokentap (pid ${owner}): it can be deleted once that one stops or starts a new session.`,
      );
    this.#opened.delete(id);
    await rm(this.#dataPath(id), { force: true });
    await rm(this.#indexPath(id), { force: true });
    await rm(sidecarPath(this.#dataPath(id)), { force: true });
    // A crashed owner's lock, if any.
    await rm(this.#lockPath(id), { force: true });
  }

  /**
   * Writes records as a new past session, all or nothing: the files appear under their final
   * names only once completely written.
   */
  async importRecords(records: ExchangeRecord[], label: string): Promise<SessionInfo> {
    const id = `${newSessionId()}-${slug(label)}`;
    const data: Uint8Array[] = [];
    const indexLines: string[] = [];
    const out = new SessionLines();
    for (const record of records) {
      const { blocks, line, index } = out.add(finishExchange(record));
      if (blocks !== '') data.push(Buffer.from(blocks));
      data.push(typeof line === 'string' ? Buffer.from(line) : line);
      indexLines.push(index);
    }
    const temp = join(this.#dir, `.${id}.tmp`);
    await ensurePrivateDir(this.#dir);
    await writeFile(temp + DATA_EXT, Buffer.concat(data), { mode: FILE_MODE });
    await writeFile(temp + INDEX_EXT, indexLines.join(''), { mode: FILE_MODE });
    // Its sidecar before its data file: the session appears with it (or search rebuilds it).
    await out.sidecar.save(sidecarPath(this.#dataPath(id)));
    await rename(temp + INDEX_EXT, this.#indexPath(id));
    await rename(temp + DATA_EXT, this.#dataPath(id));
    return this.info(id);
  }

  /**
   * Imports a HAR or JSONL file as a new past session in a worker thread (never parsed on this
   * one), all or nothing: the files appear under their final names only once completely written.
   * Resolves with the session and its number of records; rejects naming the line or entry at fault.
   */
  async importFile(
    file: { name: string; path: string } | { name: string; text: string },
  ): Promise<{ session: SessionInfo; imported: number }> {
    const size = 'text' in file ? file.text.length : (await stat(file.path)).size;
    if (size <= INLINE_BYTES) {
      // Small: parsed here at once (a worker takes longer to start than this takes).
      const text = 'text' in file ? file.text : await readFile(file.path, 'utf8');
      const records = importSessionFile(file.name, text);
      return { session: await this.importRecords(records, file.name), imported: records.length };
    }
    const id = `${newSessionId()}-${slug(file.name)}`;
    await ensurePrivateDir(this.#dir);
    const temp = join(this.#dir, `.${id}.tmp`);
    try {
      const imported = await runFileJob({
        kind: 'import',
        name: file.name,
        path: 'path' in file ? file.path : null,
        text: 'text' in file ? file.text : null,
        dataPath: temp + DATA_EXT,
        indexPath: temp + INDEX_EXT,
        sidecarPath: sidecarPath(temp + DATA_EXT),
      });
      await rename(sidecarPath(temp + DATA_EXT), sidecarPath(this.#dataPath(id)));
      await rename(temp + INDEX_EXT, this.#indexPath(id));
      await rename(temp + DATA_EXT, this.#dataPath(id));
      // Told without loading the new index here: its summaries load when the session is opened.
      const { size: bytes } = await stat(this.#dataPath(id));
      const session = {
        id,
        name: id,
        createdAt: createdAtOf(id),
        exchanges: imported,
        bytes,
        current: false,
      };
      return { session, imported };
    } finally {
      await rm(temp + DATA_EXT, { force: true });
      await rm(temp + INDEX_EXT, { force: true });
      await rm(sidecarPath(temp + DATA_EXT), { force: true });
    }
  }

  /** A place in the sessions folder for an upload on its way to `importFile` (removed by the caller). */
  async uploadPath(): Promise<string> {
    await ensurePrivateDir(this.#dir);
    return join(this.#dir, `.upload-${randomBytes(6).toString('hex')}.tmp`);
  }

  /**
   * Writes an export of a session (all of it, or the exchanges of `exchangeIds`) through `write`,
   * made in a worker thread from the file on disk. Resolves once the session is found with a
   * function that runs the export and resolves with the number of records.
   */
  async exportJob(
    format: ExportFormat,
    exchangeIds: readonly string[] | null,
    id: string | null,
  ): Promise<(write: (text: string) => Promise<void> | void) => Promise<number>> {
    const sessionId = id ?? this.#currentId;
    if (sessionId === this.#currentId) await this.flush();
    const { entries, byId, blocks } = await this.#entries(sessionId);
    const wanted =
      exchangeIds === null
        ? entries
        : exchangeIds.map((exchangeId) => byId.get(exchangeId)).filter((e) => e !== undefined);
    const blockSpans = new Map(blocks);
    // A snapshot of what is on disk: the current session goes on growing meanwhile.
    const spans = new Float64Array(wanted.length * 2);
    wanted.forEach((entry, i) => {
      spans[2 * i] = entry.offset;
      spans[2 * i + 1] = entry.length;
    });
    const dataPath = this.#dataPath(sessionId);
    let bytes = wanted.reduce((sum, e) => sum + e.length, 0);
    // A record's line holds only what its blocks do not: what it refers to may be far bigger.
    if (blocks.size > 0) for (const span of blocks.values()) bytes += span.length * wanted.length;
    // Small: made here at once (a worker takes longer to start than this takes).
    if (bytes <= INLINE_BYTES)
      return (write) => writeExport(format, readRecords(dataPath, wanted, blockSpans), write);
    return (write) => runFileJob({ kind: 'export', format, dataPath, spans, blocks: blockSpans }, write);
  }

  /** Flushes and closes the current session, and lets its lock go. */
  close(): Promise<void> {
    const live = this.#live;
    this.#live = { off: 'closed' };
    return closeLive(live, this.#log);
  }

  async #entries(id: string | null): Promise<SessionEntries> {
    if (id === null || id === this.#currentId) return this.#current;
    const bytes = await stat(this.#dataPath(checkId(id))).then(
      (s) => s.size,
      () => null,
    );
    const opened = this.#opened.get(id);
    // A session another instance still appends to grows: read again what it added.
    if (opened && opened.bytes === bytes) return opened;
    const { entries, blocks, warnings } = await loadIndex(this.#dataPath(id), this.#indexPath(id)).catch(
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new Error(`There is no session "${id}".`);
        throw error;
      },
    );
    for (const warning of warnings) this.#log(`session ${id}: ${warning}`);
    const loaded = {
      entries,
      byId: new Map(entries.map((e) => [e.summary.id, e])),
      blocks,
      bytes: bytes ?? 0,
    };
    this.#opened.set(id, loaded);
    if (this.#opened.size > OPENED_LIMIT) this.#opened.delete(this.#opened.keys().next().value as string);
    return loaded;
  }

  #dataPath(id: string): string {
    return join(this.#dir, id + DATA_EXT);
  }

  #indexPath(id: string): string {
    return join(this.#dir, id + INDEX_EXT);
  }

  #lockPath(id: string): string {
    return join(this.#dir, id + LOCK_EXT);
  }
}

function emptyEntries(): SessionEntries {
  return { entries: [], byId: new Map(), blocks: new Map(), bytes: 0 };
}

/** Flushes and closes a session's writer, then lets its lock go (saying what was never written). */
async function closeLive(live: Live, log: (message: string) => void): Promise<void> {
  if ('off' in live) return;
  const health = await live.writer.close();
  if (health.lost > 0) log(`${health.lost} exchanges could not be written and are lost`);
  await live.lock?.release();
}

/** Session ids are file names: a time stamp that sorts, plus an optional label. */
function newSessionId(): string {
  // The random tail keeps two sessions started in the same millisecond apart.
  return `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
}

function createdAtOf(id: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z/.exec(id);
  return match ? `${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z` : '';
}

// What newSessionId makes, plus importRecords' slug: no dot, so no id names another id's index file.
/** Rejects anything that is not exactly a session id. */
function checkId(id: string): string {
  if (!isSessionId(id)) throw new Error(`There is no session "${id}" (not a session id).`);
  return id;
}

function slug(label: string): string {
  return (
    label
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'import'
  );
}
