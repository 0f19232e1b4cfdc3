// The sandboxed preload: it may only require `electron`, so the build bundles the rest into it.
import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopApi } from './bridge/preload-api.ts';

contextBridge.exposeInMainWorld('tokentap', createDesktopApi(ipcRenderer));
