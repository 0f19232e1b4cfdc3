import { type ReactNode, useId, useRef } from 'react';

export interface TabDef<K extends string> {
  key: K;
  label: string;
}

interface TabsProps<K extends string> {
  tabs: readonly TabDef<K>[];
  active: K;
  onChange: (key: K) => void;
  label: string;
  children: ReactNode;
  className?: string;
}

/** WAI-ARIA tabs: arrow keys move between tabs, the panel follows. */
export function Tabs<K extends string>({ tabs, active, onChange, label, children, className }: TabsProps<K>) {
  const base = useId();
  const list = useRef<HTMLDivElement>(null);
  const focusTab = (key: K) => {
    onChange(key);
    list.current?.querySelector<HTMLElement>(`[data-tab="${key}"]`)?.focus();
  };
  return (
    <div className={`tabs ${className ?? ''}`}>
      <div
        className="tab-list"
        role="tablist"
        aria-label={label}
        ref={list}
        onKeyDown={(event) => {
          const index = tabs.findIndex((t) => t.key === active);
          let next: number | null = null;
          if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
          else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
          else if (event.key === 'Home') next = 0;
          else if (event.key === 'End') next = tabs.length - 1;
          const tab = next === null ? undefined : tabs[next];
          if (tab) {
            event.preventDefault();
            focusTab(tab.key);
          }
        }}
      >
        {tabs.map((tab) => (
          <button
            key={tab.key}
            type="button"
            role="tab"
            data-tab={tab.key}
            id={`${base}-tab-${tab.key}`}
            aria-selected={tab.key === active}
            aria-controls={`${base}-panel`}
            tabIndex={tab.key === active ? 0 : -1}
            className="tab"
            onClick={() => onChange(tab.key)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the ARIA tabs pattern makes a panel focusable, so a long one scrolls with the keyboard
        tabIndex={0}
        id={`${base}-panel`}
        aria-labelledby={`${base}-tab-${active}`}
      >
        {children}
      </div>
    </div>
  );
}
