import { create } from 'zustand';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import type { ProxyStatus, SessionInfo, UsageTotals } from '../../shared/inspector-contract.ts';
import type { TransferProgress } from '../api/call-options.ts';
import type { Matcher } from '../filter/query-match.ts';
import type { Facets } from '../filter/query-suggest.ts';
import { DEFAULT_SORT, type SortSpec } from './sort.ts';

/**
 * The captured exchanges, as summaries only. `byId` is mutated in place (copying 100,000 entries per
 * frame would cost more than the frame); `rev` changes with every change so subscribers notice.
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

/** What the list shows: the filtered, sorted ids. */
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

export interface UsageSlice {
  usage: UsageTotals | null;
  usageError: string | null;
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

export type ReplaySpeed = number | 'instant';

export interface ReplaySlice {
  replay: { exchangeId: string | null; playing: boolean; speed: ReplaySpeed; positionMs: number };
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

export type InspectorState = ExchangesSlice &
  ViewSlice &
  SelectionSlice &
  UsageSlice &
  StatusSlice &
  SessionsSlice &
  ReplaySlice &
  UiSlice;

/** Each slice's initial state; the actions that change them are module functions (actions.ts, apply-updates.ts). */
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
const usageSlice: Slice<UsageSlice> = () => ({ usage: null, usageError: null });
const statusSlice: Slice<StatusSlice> = () => ({ status: null, statusError: null });
const sessionsSlice: Slice<SessionsSlice> = () => ({ sessions: [], viewSession: null });
const replaySlice: Slice<ReplaySlice> = () => ({
  replay: { exchangeId: null, playing: false, speed: 1, positionMs: 0 },
});
const uiSlice: Slice<UiSlice> = () => ({ pane: 'detail', sessionsOpen: false, tasks: [], notices: [] });

/** The whole store's initial state. */
export function initialState(): InspectorState {
  return {
    ...exchangesSlice(),
    ...viewSlice(),
    ...selectionSlice(),
    ...usageSlice(),
    ...statusSlice(),
    ...sessionsSlice(),
    ...replaySlice(),
    ...uiSlice(),
  };
}

/** The renderer's one store; components read it with selectors and `useShallow`. */
export const useInspector = create<InspectorState>()(() => initialState());

/** Puts the store back to its start (tests). */
export function resetStore(): void {
  useInspector.setState(initialState(), true);
}
