import type { RendererApi } from './api-context.tsx';
import { createBrowserClient } from './browser-client.ts';

/** The preload bridge inside Electron, else the HTTP + WebSocket client of the headless server. */
export function pickApi(): RendererApi {
  return window.tokentap ?? createBrowserClient();
}
