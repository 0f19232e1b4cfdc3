import type { DesktopApi } from '../shared/contract/inspector-contract.ts';

declare global {
  interface Window {
    /** The Electron preload's bridge; absent in a browser talking to `npm run serve`. */
    tokentap?: DesktopApi;
  }
}
