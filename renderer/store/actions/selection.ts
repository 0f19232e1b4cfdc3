import { isEnded } from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import type { PlaybackSlice } from '../inspector-state.ts';
import { messageOf, type StoreKit } from '../store-kit.ts';

const DETAIL_CACHE_SIZE = 8;

/** The selected exchange and its full record (fetched on selection, a few kept for going back). */
export function selectionActions({ api, get, set, actions }: StoreKit) {
  const cacheKey = (id: string): string => `${get().viewSession ?? ''}\u0000${id}`;

  function remember(id: string, record: ExchangeRecord): void {
    const cache = get().detailCache;
    const key = cacheKey(id);
    cache.delete(key);
    cache.set(key, record);
    while (cache.size > DETAIL_CACHE_SIZE) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  }

  /** Selects an exchange (or none) and fetches its full record, from the small cache when there. */
  async function select(id: string | null): Promise<void> {
    const { playback } = get();
    if (id === null) {
      set({ selectedId: null, detail: null });
      return;
    }
    const nextPlayback: PlaybackSlice['playback'] =
      playback.exchangeId === id ? playback : { ...playback, exchangeId: id, playing: false, positionMs: 0 };
    const cached = get().detailCache.get(cacheKey(id));
    if (cached) {
      remember(id, cached);
      set({
        selectedId: id,
        pane: 'detail',
        detail: { id, record: cached, loading: false, error: null },
        playback: nextPlayback,
      });
      return;
    }
    set({
      selectedId: id,
      pane: 'detail',
      detail: { id, record: null, loading: true, error: null },
      playback: nextPlayback,
    });
    await refreshDetail(id);
  }

  /** Fetches the record of the selected exchange again (it ended, so the one shown is stale). */
  async function refreshDetail(id: string): Promise<void> {
    const session = get().viewSession;
    try {
      const record = await api.exchanges.get(id, session);
      if (record && isEnded(record)) remember(id, record);
      if (get().selectedId !== id) return;
      set({ detail: { id, record, loading: false, error: null } });
    } catch (error) {
      if (get().selectedId !== id) return;
      set({ detail: { id, record: null, loading: false, error: messageOf(error) } });
    }
  }

  /** Moves the selection through the visible rows: by a step, or to the first or last. */
  function moveSelection(move: number | 'first' | 'last'): void {
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
      void select(id);
    }
  }

  /**
   * Selects an exchange linked from another (`resentFrom`, `replayOf`): in the list shown when it
   * is there, else in the session it names, if any; resolves with false when it cannot be found.
   */
  async function selectLinked(id: string, session: string | null): Promise<boolean> {
    if (get().byId.has(id)) {
      await select(id);
      return true;
    }
    if (session === null || session === (get().viewSession ?? get().status?.session.id)) return false;
    const known = get().sessions.find((s) => s.id === session);
    if (!known) return false;
    await actions.loadSession(known.current ? null : known.id);
    if (!get().byId.has(id)) return false;
    await select(id);
    return true;
  }

  return { select, refreshDetail, moveSelection, selectLinked };
}
