/** Electron menu roles the app uses (a subset of Electron's `role` union). */
export type MenuRole =
  | 'appMenu'
  | 'editMenu'
  | 'windowMenu'
  | 'quit'
  | 'close'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen';

/** A menu item as plain data; main.ts hands the template to `Menu.buildFromTemplate`. */
export interface MenuItemSpec {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

/** What the menu's own items do. */
export interface MenuActions {
  newSession(): void;
  openSession(): void;
  importFile(): void;
  exportHar(): void;
  exportJsonl(): void;
  quickStart(): void;
  showDataFolder(): void;
}

/** The application menu: File, Edit (so copy and paste work on macOS), View, Window, Help. */
export function appMenuTemplate(actions: MenuActions, platform: NodeJS.Platform): MenuItemSpec[] {
  const mac = platform === 'darwin';
  const separator: MenuItemSpec = { type: 'separator' };
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemSpec] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Session', accelerator: 'CmdOrCtrl+N', click: actions.newSession },
        { label: 'Open Session…', accelerator: 'CmdOrCtrl+O', click: actions.openSession },
        separator,
        { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: actions.importFile },
        { label: 'Export HAR…', accelerator: 'CmdOrCtrl+E', click: actions.exportHar },
        { label: 'Export JSONL…', accelerator: 'CmdOrCtrl+Shift+E', click: actions.exportJsonl },
        separator,
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        separator,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      label: '&Help',
      submenu: [
        { label: 'Quick Start', click: actions.quickStart },
        { label: 'Show Sessions Folder', click: actions.showDataFolder },
      ],
    },
  ];
}
