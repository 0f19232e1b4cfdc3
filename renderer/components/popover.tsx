import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

interface PopoverProps {
  /** The button's content. */
  label: ReactNode;
  /** The button's accessible name when its content is not text enough. */
  ariaLabel?: string;
  buttonClass?: string;
  title?: string;
  /** Rendered while open; `close` puts focus back on the button. */
  children: (close: () => void) => ReactNode;
  align?: 'start' | 'end';
  /** Controlled: open from outside (a menu command); `onOpenChange` hears every change. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
}

/** A button that opens a small panel below it; Escape or a click outside closes it. */
export function Popover({
  label,
  ariaLabel,
  buttonClass,
  title,
  children,
  align = 'start',
  open: controlledOpen,
  onOpenChange,
}: PopoverProps) {
  const [innerOpen, setInnerOpen] = useState(false);
  const open = controlledOpen ?? innerOpen;
  const openRef = useRef(onOpenChange);
  openRef.current = onOpenChange;
  const setOpen = (next: boolean) => {
    if (controlledOpen === undefined) setInnerOpen(next);
    openRef.current?.(next);
  };
  const setOpenRef = useRef(setOpen);
  setOpenRef.current = setOpen;
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpenRef.current(false);
    };
    document.addEventListener('pointerdown', onPointer);
    // Put focus inside so the keyboard can reach the panel's controls right away.
    const first = root.current?.querySelector<HTMLElement>(
      '.popover-panel button, .popover-panel input, .popover-panel [tabindex="0"]',
    );
    first?.focus();
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere inside closes the popover
    <div
      className="popover"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className={buttonClass ?? 'tool-button'}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-haspopup="dialog"
        aria-label={ariaLabel}
        title={title}
        onClick={() => setOpen(!open)}
      >
        {label}
      </button>
      {open && (
        <div
          id={panelId}
          className={`popover-panel popover-${align}`}
          role="dialog"
          aria-label={ariaLabel ?? (typeof label === 'string' ? label : undefined)}
        >
          {children(close)}
        </div>
      )}
    </div>
  );
}
