import { useMemo, useState } from 'react';
import { CodeBlock } from '../detail/json-view.tsx';
import { JsonTree } from './json-tree.tsx';

type View = 'tree' | 'raw';

/** A text body: a JSON object or array as a tree, the exact text one click away; other text as it is. */
export function TextBodyView({ text, label }: { text: string; label: string }) {
  const parsed = useMemo(() => {
    try {
      const value = JSON.parse(text) as unknown;
      return value !== null && typeof value === 'object' ? { value } : null;
    } catch {
      return null;
    }
  }, [text]);
  const [view, setView] = useState<View>('tree');
  if (parsed === null) return <CodeBlock text={text} label={label} />;
  return (
    <div className="body-view">
      <fieldset className="segmented" aria-label={`${label} view`}>
        {(['tree', 'raw'] as const).map((v) => (
          <button
            key={v}
            type="button"
            className="tool-button"
            aria-pressed={view === v}
            onClick={() => setView(v)}
          >
            {v === 'tree' ? 'Tree' : 'Raw'}
          </button>
        ))}
      </fieldset>
      {view === 'tree' ? (
        <JsonTree value={parsed.value} label={label} />
      ) : (
        <CodeBlock text={text} label={label} />
      )}
    </div>
  );
}
