import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import type { SessionInfo } from '../../shared/inspector-contract.ts';
import { type FinishedExchange, finishExchange } from '../capture/finished-exchange.ts';
import { type IndexEntry, indexLine, loadIndex, readRecord, readRecords } from './session-index.ts';
import { SessionWriter } from './session-writer.ts';

/** An opened session: where each exchange's line is, plus its summary. */
interface SessionEntries {
  entries: IndexEntry[];
  byId: Map<string, IndexEntry>;
}

const DATA_EXT = '.jsonl';
const INDEX_EXT = '.index.jsonl';
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
  #currentId: string;
  #current: SessionEntries;
  #writer: SessionWriter;
  readonly #opened = new Map<string, SessionEntries>();

  private constructor(dir: string, log: (message: string) => void, id: string, writer: SessionWriter) {
    this.#dir = dir;
    this.#log = log;
    this.#currentId = id;
    this.#current = { entries: [], byId: new Map() };
    this.#writer = writer;
  }

  /** Opens the store in `dir/sessions` and starts a new current session. */
  static async open(dataDir: string, log: (message: string) => void): Promise<SessionStore> {
    const dir = join(dataDir, 'sessions');
    await mkdir(dir, { recursive: true });
    const id = newSessionId();
    const writer = await SessionWriter.open(join(dir, id + DATA_EXT), join(dir, id + INDEX_EXT), (error) =>
      log(`cannot write session ${id}: ${error.message}`),
    );
    return new SessionStore(dir, log, id, writer);
  }

  get currentId(): string {
    return this.#currentId;
  }

  /** Appends a finished exchange to the current session. */
  append(exchange: FinishedExchange): void {
    const entry = this.#writer.append(exchange);
    this.#current.entries.push(entry);
    this.#current.byId.set(exchange.summary.id, entry);
  }

  /** Writes everything appended so far. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Starts a new current session; the previous one becomes a past session. */
  async startNew(): Promise<SessionInfo> {
    const id = newSessionId();
    const writer = await SessionWriter.open(this.#dataPath(id), this.#indexPath(id), (error) =>
      this.#log(`cannot write session ${id}: ${error.message}`),
    );
    await this.#writer.close();
    this.#writer = writer;
    this.#currentId = id;
    this.#current = { entries: [], byId: new Map() };
    return this.info(id);
  }

  /** Every session, newest first. */
  async list(): Promise<SessionInfo[]> {
    const names = await readdir(this.#dir);
    const ids = names
      .filter((n) => n.endsWith(DATA_EXT))
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
    if (!current) checkId(id);
    const bytes = current ? this.#writer.size : (await stat(this.#dataPath(id))).size;
    const entries = current ? this.#current : this.#opened.get(id);
    const exchanges = entries ? entries.entries.length : await this.#countIndexed(id);
    return { id, name: id, createdAt: createdAtOf(id), exchanges, bytes, current };
  }

  /** Summaries of a session's exchanges, in capture order (null: the current session). */
  async summaries(id: string | null): Promise<ExchangeSummary[]> {
    const { entries } = await this.#entries(id);
    return entries.map((e) => e.summary);
  }

  /** One full record, read back from its line; null when the session has no such exchange. */
  async record(exchangeId: string, id: string | null): Promise<ExchangeRecord | null> {
    const sessionId = id ?? this.#currentId;
    const entry = (await this.#entries(sessionId)).byId.get(exchangeId);
    if (!entry) return null;
    if (sessionId === this.#currentId) await this.#writer.flush();
    return readRecord(this.#dataPath(sessionId), entry);
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
    const { entries, byId } = await this.#entries(sessionId);
    // A snapshot: the current session goes on growing meanwhile; what is in it is flushed first.
    const wanted =
      exchangeIds === null
        ? entries.slice()
        : exchangeIds.map((exchangeId) => byId.get(exchangeId)).filter((e) => e !== undefined);
    if (sessionId === this.#currentId) await this.#writer.flush();
    return readRecords(this.#dataPath(sessionId), wanted);
  }

  /** Deletes a past session (the current one cannot be deleted). */
  async delete(id: string): Promise<void> {
    checkId(id);
    if (id === this.#currentId)
      throw new Error('The current session cannot be deleted; start a new session first.');
    // Looked up by exact name among the session files, never as a path built from the request.
    if (!(await readdir(this.#dir)).includes(id + DATA_EXT)) throw new Error(`There is no session "${id}".`);
    this.#opened.delete(id);
    await rm(this.#dataPath(id), { force: true });
    await rm(this.#indexPath(id), { force: true });
  }

  /**
   * Writes records as a new past session, all or nothing: the files appear under their final
   * names only once completely written.
   */
  async importRecords(records: ExchangeRecord[], label: string): Promise<SessionInfo> {
    const id = `${newSessionId()}-${slug(label)}`;
    const lines: string[] = [];
    const indexLines: string[] = [];
    let offset = 0;
    for (const record of records) {
      const { summary, json } = finishExchange(record);
      const line = `${json}\n`;
      const length = Buffer.byteLength(line);
      lines.push(line);
      indexLines.push(indexLine({ offset, length, summary }));
      offset += length;
    }
    const temp = join(this.#dir, `.${id}.tmp`);
    await writeFile(temp + DATA_EXT, lines.join(''));
    await writeFile(temp + INDEX_EXT, indexLines.join(''));
    await rename(temp + INDEX_EXT, this.#indexPath(id));
    await rename(temp + DATA_EXT, this.#dataPath(id));
    return this.info(id);
  }

  /** Flushes and closes the current session. */
  close(): Promise<void> {
    return this.#writer.close();
  }

  async #entries(id: string | null): Promise<SessionEntries> {
    if (id === null || id === this.#currentId) return this.#current;
    const opened = this.#opened.get(checkId(id));
    if (opened) return opened;
    const { entries, warnings } = await loadIndex(this.#dataPath(id), this.#indexPath(id)).catch(
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new Error(`There is no session "${id}".`);
        throw error;
      },
    );
    for (const warning of warnings) this.#log(`session ${id}: ${warning}`);
    const loaded = { entries, byId: new Map(entries.map((e) => [e.summary.id, e])) };
    this.#opened.set(id, loaded);
    if (this.#opened.size > OPENED_LIMIT) this.#opened.delete(this.#opened.keys().next().value as string);
    return loaded;
  }

  async #countIndexed(id: string): Promise<number> {
    return (await this.#entries(id)).entries.length;
  }

  #dataPath(id: string): string {
    return join(this.#dir, id + DATA_EXT);
  }

  #indexPath(id: string): string {
    return join(this.#dir, id + INDEX_EXT);
  }
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
const SESSION_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{4}(?:-[A-Za-z0-9-]+)?$/;

/** True when `id` has exactly the form of a session id (never a path, never another file's name). */
export function isSessionId(id: string): boolean {
  return id.length <= 80 && SESSION_ID.test(id);
}

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
