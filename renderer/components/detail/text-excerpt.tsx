import { useState } from 'react';
import { countOf } from '../../format.ts';
import { excerptOf } from './exchange-gist.ts';

/**
 * Captured text shown by its first lines, the rest one click away. Rendered as a text node (never
 * as HTML): what a client or a model sent is data, whatever it looks like.
 */
export function TextExcerpt({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const excerpt = excerptOf(text);
  return (
    <div className="text-excerpt">
      <div className="excerpt-text">{open ? text : excerpt.head}</div>
      {excerpt.more && (
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open
            ? 'Show less'
            : `Show all (${countOf(excerpt.lines, 'line')}, ${countOf(text.length, 'character')})`}
        </button>
      )}
    </div>
  );
}
