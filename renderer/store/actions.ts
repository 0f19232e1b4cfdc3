import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import type {
  AppCommand,
  AppCommandSource,
  ExportFormat,
  ExportLinks,
  ExportRequest,
  ExportSaver,
  InspectorApi,
  ReplayStartRequest,
  ResendRequest,
  Settings,
} from '../../shared/inspector-contract.ts';
import { type CallOptions, isAbortError, withCallOptions } from '../api/call-options.ts';
import { downloadFile, downloadUrl } from '../download.ts';
import { compileQuery, type TextHits } from '../filter/query-match.ts';
import { parseQuery } from '../filter/query-parse.ts';
import { countOf } from '../format.ts';
import { type BatchEffects, subscribeLive, takeHeldUpdates } from './apply-updates.ts';
import { EMPTY_FACETS, type ReplaySlice, type Task, useInspector } from './inspector-store.ts';
import type { SortKey } from './sort.ts';
import { addFacets, computeView, updateView } from './view.ts';

const get = useInspector.getState;
const set = useInspector.setState;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------- notices and tasks

let nextId = 1;

/** Shows a message in the notice area; errors stay until dismissed, info fades. */
export function notify(kind: 'error' | 'info', text: string): void {
  const id = nextId++;
  set({ notices: [...get().notices.slice(-4), { id, kind, text }] });
  if (kind === 'info') setTimeout(() => dismissNotice(id), 4000);
}

export function dismissNotice(id: number): void {
  set({ notices: get().notices.filter((n) => n.id !== id) });
}

/**
 * Runs a long operation with a visible progress entry and a Cancel button. Resolves with the result,
 * or undefined when cancelled; failures become an error notice.
 */
export async function runTask<T>(
  label: string,
  work: (options: Required<Pick<CallOptions, 'signal' | 'onProgress'>>) => Promise<T>,
): Promise<T | undefined> {
  const controller = new AbortController();
  const id = nextId++;
  const task: Task = { id, label, progress: null, cancel: () => controller.abort() };
  set({ tasks: [...get().tasks, task] });
  let lastProgressAt = 0;
  const onProgress: CallOptions['onProgress'] & {} = (progress) => {
    // Progress can come per network chunk; a few updates per second are enough to read.
    const now = performance.now();
    if (now - lastProgressAt < 100 && progress.loaded !== progress.total) return;
    lastProgressAt = now;
    set({ tasks: get().tasks.map((t) => (t.id === id ? { ...t, progress } : t)) });
  };
  try {
    return await work({ signal: controller.signal, onProgress });
  } catch (error) {
    if (isAbortError(error) || controller.signal.aborted) {
      notify('info', `${label}: cancelled`);
      return undefined;
    }
    notify('error', `${label} failed: ${message(error)}`);
    return undefined;
  } finally {
    set({ tasks: get().tasks.filter((t) => t.id !== id) });
  }
}

// ---------------------------------------------------------------- list, filter, sort

/** Replaces the filter query and recomputes the visible rows (`hits`: what the main side found for its `text:"…"` terms). */
export function setFilter(text: string, hits: TextHits | null = null): void {
  const parsed = parseQuery(text);
  const matcher = compileQuery(parsed, hits);
  const { byId, order, sort } = get();
  set({
    filterText: text,
    filterErrors: parsed.errors,
    matcher,
    ids: computeView(byId, order, matcher, sort),
  });
}

/** Sorts by a column; the same column again flips the direction. */
export function setSort(key: SortKey): void {
  const { sort, byId, order, matcher } = get();
  const next =
    sort.key === key
      ? { key, dir: sort.dir === 'asc' ? ('desc' as const) : ('asc' as const) }
      : { key, dir: 'asc' as const };
  set({ sort: next, ids: computeView(byId, order, matcher, next) });
}

export function setFollowNewest(followNewest: boolean): void {
  set({ followNewest });
}

export function setPane(pane: 'detail' | 'usage'): void {
  set({ pane });
}

/** Opens or closes the session switcher's list. */
export function setSessionsOpen(sessionsOpen: boolean): void {
  set({ sessionsOpen });
}

function replaceExchanges(list: readonly ExchangeSummary[]): void {
  const sorted = [...list].sort((a, b) => a.seq - b.seq);
  const byId = new Map<string, ExchangeSummary>();
  for (const s of sorted) byId.set(s.id, s);
  const order = [...byId.keys()];
  const { matcher, sort, rev } = get();
  set({
    byId,
    order,
    rev: rev + 1,
    facets: addFacets(EMPTY_FACETS, sorted),
    ids: computeView(byId, order, matcher, sort),
  });
}

let loadGeneration = 0;

/** Opens a session's list: null for the live one, an id for a past one (read-only). */
export async function loadSession(api: InspectorApi, session: string | null): Promise<void> {
  const generation = ++loadGeneration;
  set({ viewSession: session, listLoading: true, selectedId: null, detail: null, usage: null });
  const list = await runTask(session === null ? 'Loading the session' : 'Opening the session', (options) =>
    withCallOptions(api, options).exchanges.list(session),
  );
  if (generation !== loadGeneration) return;
  const held = takeHeldUpdates();
  replaceExchanges(list ?? []);
  set({ listLoading: false });
  if (session === null && held.length > 0) applySummaries(held);
  void refreshUsage(api);
}

/** Upserts summaries outside a live batch (held updates after a load). */
function applySummaries(summaries: readonly ExchangeSummary[]): void {
  const { byId, order, ids, matcher, sort, facets, rev } = get();
  const before = new Map<string, ExchangeSummary>();
  const nextOrder = order.slice();
  for (const s of summaries) {
    const previous = byId.get(s.id);
    if (previous === undefined) nextOrder.push(s.id);
    else before.set(s.id, previous);
    byId.set(s.id, s);
  }
  nextOrder.sort((a, b) => (byId.get(a)?.seq ?? 0) - (byId.get(b)?.seq ?? 0));
  set({
    order: nextOrder,
    rev: rev + 1,
    facets: addFacets(facets, summaries),
    ids: updateView(ids, summaries, byId, matcher, sort, before),
  });
}

// ---------------------------------------------------------------- selection and details

const DETAIL_CACHE_SIZE = 8;
const detailCache = new Map<string, ExchangeRecord>();

function cacheKey(id: string): string {
  return `${get().viewSession ?? ''}\u0000${id}`;
}

function remember(id: string, record: ExchangeRecord): void {
  const key = cacheKey(id);
  detailCache.delete(key);
  detailCache.set(key, record);
  while (detailCache.size > DETAIL_CACHE_SIZE) {
    const oldest = detailCache.keys().next().value;
    if (oldest === undefined) break;
    detailCache.delete(oldest);
  }
}

/** Forgets cached details (tests; a session switch keys them apart anyway). */
export function clearDetailCache(): void {
  detailCache.clear();
}

/** Selects an exchange (or none) and fetches its full record, from the small cache when there. */
export async function select(api: InspectorApi, id: string | null): Promise<void> {
  const { replay } = get();
  if (id === null) {
    set({ selectedId: null, detail: null });
    return;
  }
  const nextReplay: ReplaySlice['replay'] =
    replay.exchangeId === id ? replay : { ...replay, exchangeId: id, playing: false, positionMs: 0 };
  const cached = detailCache.get(cacheKey(id));
  if (cached) {
    remember(id, cached);
    set({
      selectedId: id,
      pane: 'detail',
      detail: { id, record: cached, loading: false, error: null },
      replay: nextReplay,
    });
    return;
  }
  set({
    selectedId: id,
    pane: 'detail',
    detail: { id, record: null, loading: true, error: null },
    replay: nextReplay,
  });
  await fetchDetail(api, id);
}

async function fetchDetail(api: InspectorApi, id: string): Promise<void> {
  const session = get().viewSession;
  try {
    const record = await api.exchanges.get(id, session);
    if (record && !isLiveRecord(record)) remember(id, record);
    if (get().selectedId !== id) return;
    set({ detail: { id, record, loading: false, error: null } });
  } catch (error) {
    if (get().selectedId !== id) return;
    set({ detail: { id, record: null, loading: false, error: message(error) } });
  }
}

function isLiveRecord(record: ExchangeRecord): boolean {
  return record.state === 'pending' || record.state === 'streaming';
}

/** Moves the selection through the visible rows: by a step, or to the first or last. */
export function moveSelection(api: InspectorApi, move: number | 'first' | 'last'): void {
  const { ids, selectedId } = get();
  if (ids.length === 0) return;
  let index: number;
  if (move === 'first') index = 0;
  else if (move === 'last') index = ids.length - 1;
  else {
    const at = selectedId === null ? -1 : ids.indexOf(selectedId);
    index = at === -1 ? (move > 0 ? 0 : ids.length - 1) : at + move;
  }
  index = Math.max(0, Math.min(ids.length - 1, index));
  const id = ids[index];
  if (id !== undefined && id !== selectedId) {
    // Picking an older row means the user is reading: stop jumping to the newest.
    if (index < ids.length - 1 && get().followNewest) set({ followNewest: false });
    void select(api, id);
  }
}

// ---------------------------------------------------------------- replay

export function setReplay(patch: Partial<ReplaySlice['replay']>): void {
  set({ replay: { ...get().replay, ...patch } });
}

// ---------------------------------------------------------------- status, settings, sessions, usage

export async function refreshStatus(api: InspectorApi): Promise<void> {
  try {
    set({ status: await api.status.get(), statusError: null });
  } catch (error) {
    set({ statusError: message(error) });
  }
}

export async function setCapturePaused(api: InspectorApi, paused: boolean): Promise<void> {
  try {
    set({ status: await api.capture.setPaused(paused) });
  } catch (error) {
    notify('error', `Could not ${paused ? 'pause' : 'resume'} capture: ${message(error)}`);
  }
}

/** Saves listen address and upstream; resolves with an error message for the dialog, or null. */
export async function updateSettings(api: InspectorApi, settings: Settings): Promise<string | null> {
  try {
    const status = await api.settings.update(settings);
    set({ status });
    return status.error;
  } catch (error) {
    return message(error);
  }
}

export async function refreshSessions(api: InspectorApi): Promise<void> {
  try {
    set({ sessions: await api.sessions.list() });
  } catch (error) {
    notify('error', `Could not list sessions: ${message(error)}`);
  }
}

export async function createSession(api: InspectorApi): Promise<void> {
  try {
    await api.sessions.create();
    await Promise.all([refreshStatus(api), refreshSessions(api)]);
    await loadSession(api, null);
  } catch (error) {
    notify('error', `Could not start a new session: ${message(error)}`);
  }
}

export async function deleteSession(api: InspectorApi, id: string): Promise<void> {
  try {
    await api.sessions.delete(id);
    if (get().viewSession === id) await loadSession(api, null);
    await refreshSessions(api);
  } catch (error) {
    notify('error', `Could not delete the session: ${message(error)}`);
  }
}

export async function refreshUsage(api: InspectorApi): Promise<void> {
  const session = get().viewSession;
  try {
    const usage = await api.usage.get(session);
    if (get().viewSession === session) set({ usage, usageError: null });
  } catch (error) {
    set({ usageError: message(error) });
  }
}

let usageTimer: ReturnType<typeof setTimeout> | null = null;

/** Refreshes usage and the session list soon, once for a burst of ended exchanges. */
function scheduleTotalsRefresh(api: InspectorApi): void {
  if (usageTimer !== null) return;
  usageTimer = setTimeout(() => {
    usageTimer = null;
    void refreshUsage(api);
    void refreshSessions(api);
  }, 500);
}

// ---------------------------------------------------------------- replay mode and resend

/** Starts replay mode (the proxy answers from a recording); resolves with an error message, or null. */
export async function startReplayMode(
  api: InspectorApi,
  request: ReplayStartRequest,
): Promise<string | null> {
  try {
    set({ status: await api.replay.start(request), statusError: null });
    return null;
  } catch (error) {
    return message(error);
  }
}

/** Leaves replay mode: the proxy forwards to the upstream again. */
export async function stopReplayMode(api: InspectorApi): Promise<void> {
  try {
    set({ status: await api.replay.stop(), statusError: null });
  } catch (error) {
    notify('error', `Could not stop the replay: ${message(error)}`);
  }
}

/**
 * Sends a captured request again and selects the new exchange (in the live session, where it is
 * captured); resolves with an error message for the form, or null.
 */
export async function resendExchange(api: InspectorApi, request: ResendRequest): Promise<string | null> {
  let summary: ExchangeSummary;
  try {
    summary = await api.exchanges.resend(request);
  } catch (error) {
    return message(error);
  }
  if (get().viewSession !== null) await loadSession(api, null);
  if (!get().byId.has(summary.id)) applySummaries([summary]);
  await select(api, summary.id);
  return null;
}

/**
 * Selects an exchange linked from another (`resentFrom`, `replayOf`): in the list shown when it is
 * there, else in the session it names, if any; resolves with false when it cannot be found.
 */
export async function selectLinked(api: InspectorApi, id: string, session: string | null): Promise<boolean> {
  if (get().byId.has(id)) {
    await select(api, id);
    return true;
  }
  if (session === null || session === (get().viewSession ?? get().status?.session.id)) return false;
  const known = get().sessions.find((s) => s.id === session);
  if (!known) return false;
  await loadSession(api, known.current ? null : known.id);
  if (!get().byId.has(id)) return false;
  await select(api, id);
  return true;
}

// ---------------------------------------------------------------- desktop menu commands

/** Does what the desktop menu asked: show the sessions list, or open a session (after an import). */
export async function handleCommand(api: InspectorApi, command: AppCommand): Promise<void> {
  switch (command.type) {
    case 'sessions.open':
      set({ sessionsOpen: true });
      await refreshSessions(api);
      return;
    case 'sessions.show': {
      await refreshSessions(api);
      const session = get().sessions.find((s) => s.id === command.session);
      await loadSession(api, session?.current ? null : command.session);
      return;
    }
  }
}

// ---------------------------------------------------------------- import and export

/** Exports the session (or only the filtered rows) and hands the file to the browser as a download. */
export async function exportExchanges(
  api: InspectorApi,
  format: ExportFormat,
  scope: 'all' | 'filtered',
): Promise<void> {
  const { viewSession, ids } = get();
  const request: ExportRequest = {
    format,
    session: viewSession,
    ids: scope === 'filtered' ? [...ids] : null,
  };
  const label = `Exporting ${scope === 'filtered' ? countOf(ids.length, 'filtered exchange') : 'the session'} as ${format.toUpperCase()}`;
  // The desktop app saves where the user picks, streamed by the main process.
  const desktop = api as ExportSaver;
  if (desktop.saveExport) {
    const path = await runTask(label, async () => (await desktop.saveExport?.(request)) ?? null);
    if (path) notify('info', `Exported to ${path}`);
    return;
  }
  // In a browser a whole session downloads straight from the server, streamed to disk.
  const link = (await (api as ExportLinks).exportUrl?.(request).catch(() => null)) ?? null;
  if (link) {
    downloadUrl(link);
    return;
  }
  const file = await runTask(label, (options) => withCallOptions(api, options).export.build(request));
  if (file) downloadFile(file);
}

/** Imports a HAR or JSONL file into a new session and opens it. */
export async function importFile(api: InspectorApi, file: File): Promise<void> {
  const result = await runTask(`Importing ${file.name}`, async (options) => {
    const content = await file.text();
    options.signal.throwIfAborted();
    return withCallOptions(api, options).import.load({ name: file.name, content });
  });
  if (!result) return;
  notify('info', `Imported ${countOf(result.imported, 'exchange')} into ${result.session.name}`);
  await refreshSessions(api);
  await loadSession(api, result.session.current ? null : result.session.id);
}

// ---------------------------------------------------------------- live updates

function handleEffects(api: InspectorApi, effects: BatchEffects): void {
  if (effects.reloadSession) {
    void refreshSessions(api);
    if (get().viewSession === null) void loadSession(api, null);
  }
  if (effects.exchangesEnded) scheduleTotalsRefresh(api);
  if (effects.selectedEnded) {
    const id = get().selectedId;
    if (id !== null) void fetchDetail(api, id);
  }
}

/** Loads everything and follows live updates; returns the function that stops following. */
export function startInspector(api: InspectorApi & AppCommandSource): () => void {
  const stop = subscribeLive(api, (effects) => handleEffects(api, effects));
  const stopCommands = api.onCommand?.((command) => void handleCommand(api, command));
  void refreshStatus(api);
  void refreshSessions(api);
  void loadSession(api, null);
  return () => {
    stop();
    stopCommands?.();
    if (usageTimer !== null) clearTimeout(usageTimer);
    usageTimer = null;
  };
}
