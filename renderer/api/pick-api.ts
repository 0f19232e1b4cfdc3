import type { InspectorApi } from '../../shared/inspector-contract.ts';
import { createBrowserClient } from './browser-client.ts';

/** The preload bridge inside Electron, else the HTTP + WebSocket client of the headless server. */
export function pickApi(): InspectorApi {
  return window.tokentap ?? createBrowserClient();
}
