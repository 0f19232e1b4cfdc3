/** The colour theme: follow the system, or pin light or dark. Remembered per browser profile. */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const THEME_KEY = 'tokentap.theme';

/** The remembered theme ("system" when none, or when storage holds something else). */
export function savedTheme(): Theme {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    return THEMES.find((t) => t === saved) ?? 'system';
  } catch {
    return 'system';
  }
}

/** Applies a theme to the page (styles.css reads `data-theme` on the root) and remembers it. */
export function applyTheme(theme: Theme, remember = true): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  if (!remember) return;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Storage off (private window): the choice lasts for this page.
  }
}
