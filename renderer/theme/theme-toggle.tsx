import { useState } from 'react';
import { applyTheme, savedTheme, THEMES, type Theme } from './theme.ts';

const LABELS: Record<Theme, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };
const ICONS: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };

/** One button that cycles system → light → dark, showing the current choice. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(savedTheme);
  const next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length] as Theme;
  return (
    <button
      type="button"
      className="tool-button theme-toggle"
      aria-label={`${LABELS[theme]} (switch to ${LABELS[next].toLowerCase()})`}
      title={`${LABELS[theme]}: click for ${LABELS[next].toLowerCase()}`}
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
    >
      <span aria-hidden="true">{ICONS[theme]}</span>
    </button>
  );
}
