import { createContext, type ReactNode, useContext } from 'react';
import type { InspectorApi } from '../../shared/inspector-contract.ts';

const ApiContext = createContext<InspectorApi | null>(null);

/** Gives components the transport; they never learn which one it is. */
export function ApiProvider({ api, children }: { api: InspectorApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The InspectorApi of the enclosing provider. */
export function useApi(): InspectorApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi needs an <ApiProvider>');
  return api;
}
