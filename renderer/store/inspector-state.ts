import type { ProxyStatus, SessionInfo } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import type { TransferProgress } from '../api/call-options.ts';
import type { Matcher } from '../filter/query-match.ts';
import type { Facets } from '../filter/query-suggest.ts';
import { DEFAULT_SORT, type SortSpec } from './sort.ts';

/**
 * The captured exchanges, as summaries only. `byId` and `order` are mutated in place (copying
 * 100,000 entries per frame would cost more than the frame); `rev` changes with every change.
 * Components read them only through `useRows` (use-rows.ts), which follows `rev`.
 */
export interface ExchangesSlice {
  byId: Map<string, ExchangeSummary>;
  /** Ids in arrival order. */
  order: string[];
  rev: number;
  facets: Facets;
  /** The list is being (re)loaded. */
  listLoading: boolean;
}

/** What the list shows: the filtered, sorted ids (also changed in place by live batches, behind `rev`). */
export interface ViewSlice {
  filterText: string;
  filterErrors: string[];
  matcher: Matcher;
  sort: SortSpec;
  ids: string[];
  followNewest: boolean;
}

export interface DetailState {
  id: string;
  record: ExchangeRecord | null;
  loading: boolean;
  error: string | null;
}

export interface SelectionSlice {
  selectedId: string | null;
  detail: DetailState | null;
}

export interface StatusSlice {
  status: ProxyStatus | null;
  statusError: string | null;
}

export interface SessionsSlice {
  sessions: SessionInfo[];
  /** The past session being looked at (read-only), or null for the live one. */
  viewSession: string | null;
}

export type PlaybackSpeed = number | 'instant';

/** Token-by-token playback of the selected exchange's stream in the detail pane. */
export interface PlaybackSlice {
  playback: { exchangeId: string | null; playing: boolean; speed: PlaybackSpeed; positionMs: number };
}

export interface Task {
  id: number;
  label: string;
  progress: TransferProgress | null;
  cancel: () => void;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface UiSlice {
  pane: 'detail' | 'usage';
  /** The session switcher's list is open (also from the desktop menu's File → Open Session…). */
  sessionsOpen: boolean;
  tasks: Task[];
  notices: Notice[];
}

/**
 * What the actions keep between calls and no component renders. It lives in the store like the
 * rest, so two stores never share it and a reset clears it with everything else.
 */
export interface BookkeepingSlice {
  /** The next id of a notice or a task. */
  nextId: number;
  /** Bumped by every list load; a load that finds it changed has been overtaken and drops its result. */
  loadGeneration: number;
  /** Summaries that arrived while the list was loading, re-applied on top of the loaded list. */
  heldUpdates: ExchangeSummary[];
  /** The last few finished records fetched, keyed by session and id (least recently used first). */
  detailCache: Map<string, ExchangeRecord>;
}

export type InspectorState = ExchangesSlice &
  ViewSlice &
  SelectionSlice &
  StatusSlice &
  SessionsSlice &
  PlaybackSlice &
  UiSlice &
  BookkeepingSlice;

/** The fields components must not select directly: changed in place (read them with `useRows`) or internal. */
export type UnselectableKey = 'byId' | 'order' | 'ids' | keyof BookkeepingSlice;

/** What component selectors see (use-rows.ts reads the rest, following `rev`). */
export type SelectableState = Omit<InspectorState, UnselectableKey>;

/** Each slice's initial state; the actions that change them are in actions/, one module per feature. */
type Slice<T> = () => T;

export const EMPTY_FACETS: Facets = { models: [], tenants: [], apis: [], methods: [] };

const exchangesSlice: Slice<ExchangesSlice> = () => ({
  byId: new Map(),
  order: [],
  rev: 0,
  facets: EMPTY_FACETS,
  listLoading: false,
});

const viewSlice: Slice<ViewSlice> = () => ({
  filterText: '',
  filterErrors: [],
  matcher: () => true,
  sort: DEFAULT_SORT,
  ids: [],
  followNewest: true,
});

const selectionSlice: Slice<SelectionSlice> = () => ({ selectedId: null, detail: null });
const statusSlice: Slice<StatusSlice> = () => ({ status: null, statusError: null });
const sessionsSlice: Slice<SessionsSlice> = () => ({ sessions: [], viewSession: null });
const playbackSlice: Slice<PlaybackSlice> = () => ({
  playback: { exchangeId: null, playing: false, speed: 1, positionMs: 0 },
});
const uiSlice: Slice<UiSlice> = () => ({ pane: 'detail', sessionsOpen: false, tasks: [], notices: [] });
const bookkeepingSlice: Slice<BookkeepingSlice> = () => ({
  nextId: 1,
  loadGeneration: 0,
  heldUpdates: [],
  detailCache: new Map(),
});

/** The whole store's initial state (fresh maps and arrays each time). */
export function initialState(): InspectorState {
  return {
    ...exchangesSlice(),
    ...viewSlice(),
    ...selectionSlice(),
    ...statusSlice(),
    ...sessionsSlice(),
    ...playbackSlice(),
    ...uiSlice(),
    ...bookkeepingSlice(),
  };
}
