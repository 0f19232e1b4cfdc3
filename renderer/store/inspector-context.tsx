import { createContext, type ReactNode, useContext, useState } from 'react';
import { useStore } from 'zustand';
import { ApiProvider, type RendererApi } from '../api/api-context.tsx';
import { TickerProvider } from '../components/list/ticker.tsx';
import type { SelectableState } from './inspector-state.ts';
import { createInspectorStore, type InspectorActions, type InspectorStore } from './inspector-store.ts';

const StoreContext = createContext<InspectorStore | null>(null);

type ProviderProps = { children: ReactNode } & ({ api: RendererApi } | { store: InspectorStore });

/**
 * Gives the tree its store: built here from `api` (the app), or given whole (tests that look inside
 * it). The transport is provided too, for the few components that ask it directly.
 */
export function InspectorProvider(props: ProviderProps) {
  const [store] = useState(() => ('store' in props ? props.store : createInspectorStore(props.api)));
  return (
    <ApiProvider api={store.api}>
      <StoreContext.Provider value={store}>
        <TickerProvider>{props.children}</TickerProvider>
      </StoreContext.Provider>
    </ApiProvider>
  );
}

/** The store of the enclosing provider (for hooks built on it; components use the two below). */
export function useInspectorStore(): InspectorStore {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('the inspector store needs an <InspectorProvider>');
  return store;
}

/**
 * Selects from the store; re-renders when the selection changes (`useShallow` for objects). The
 * rows, changed in place, are not selectable here: read them with `useRows`.
 */
export function useInspector<T>(selector: (state: SelectableState) => T): T {
  return useStore(useInspectorStore(), selector);
}

/** The store's actions (the same object for the store's life). */
export function useActions(): InspectorActions {
  return useInspectorStore().actions;
}
