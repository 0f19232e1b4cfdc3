import { createContext, type ReactNode, useContext } from 'react';
import type { AppCommandSource, InspectorApi } from '../../shared/contract/inspector-contract.ts';

/** What the renderer is given: the inspector API, and menu commands when the transport has a menu (Electron). */
export type RendererApi = InspectorApi & AppCommandSource;

const ApiContext = createContext<RendererApi | null>(null);

/** Gives components the transport; they never learn which one it is. */
export function ApiProvider({ api, children }: { api: RendererApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The InspectorApi of the enclosing provider. */
export function useApi(): RendererApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi needs an <ApiProvider>');
  return api;
}
