import { useEffect, useRef } from 'react';
import { isForTheFocusedControl, type ShortcutName, shortcutFor } from './shortcuts.ts';

/**
 * Runs `handler` when a shortcut is pressed anywhere in the window (not while typing in a field or
 * inside a dialog). Return `false` from the handler to let the key go on to the page.
 */
export function useShortcut(
  name: ShortcutName | readonly ShortcutName[],
  handler: (name: ShortcutName) => boolean | undefined,
  enabled = true,
): void {
  const latest = useRef(handler);
  latest.current = handler;
  const names = (typeof name === 'string' ? [name] : name).join(' ');
  useEffect(() => {
    if (!enabled) return;
    const wanted = new Set(names.split(' '));
    const onKeyDown = (event: KeyboardEvent) => {
      if (isForTheFocusedControl(event)) return;
      const pressed = shortcutFor(event);
      if (pressed === null || !wanted.has(pressed)) return;
      if (latest.current(pressed) === false) return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [names, enabled]);
}
