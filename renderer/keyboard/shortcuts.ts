/** Every keyboard shortcut, declared once: the handlers and the help dialog both read this list. */
export const SHORTCUTS = {
  next: { keys: ['j', 'ArrowDown'], label: 'j / ↓', does: 'Next request' },
  previous: { keys: ['k', 'ArrowUp'], label: 'k / ↑', does: 'Previous request' },
  open: { keys: ['Enter'], label: 'Enter', does: 'Open the detail of the selected request' },
  close: { keys: ['Escape'], label: 'Esc', does: 'Close the detail (or the open dialog)' },
  filter: { keys: ['/'], label: '/', does: 'Focus the filter' },
  previousTab: { keys: ['['], label: '[', does: 'Previous detail tab' },
  nextTab: { keys: [']'], label: ']', does: 'Next detail tab' },
  playPause: { keys: [' '], label: 'Space', does: 'Play or pause playback (Replay tab)' },
  help: { keys: ['?'], label: '?', does: 'Show these shortcuts' },
} as const;

export type ShortcutName = keyof typeof SHORTCUTS;

/**
 * Whether a key press belongs to what has focus rather than to the app: typing in a field, a
 * modifier chord (the browser's and the OS's), or a key a control already handled.
 */
export function isForTheFocusedControl(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  if (!target || typeof target.closest !== 'function') return false;
  if (target.closest('input, textarea, select, [contenteditable="true"]')) return true;
  // Inside a dialog, keys are the dialog's (it closes itself on Escape).
  if (target.closest('[role="dialog"]')) return true;
  // Space and Enter activate a focused button or link; leave them to it.
  if ((event.key === ' ' || event.key === 'Enter') && target.closest('button, a, [role="tab"], summary')) {
    return true;
  }
  return false;
}

/** The shortcut a key press means, if any. */
export function shortcutFor(event: KeyboardEvent): ShortcutName | null {
  for (const [name, shortcut] of Object.entries(SHORTCUTS)) {
    if ((shortcut.keys as readonly string[]).includes(event.key)) return name as ShortcutName;
  }
  return null;
}
