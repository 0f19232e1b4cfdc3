/** Pretty JSON when the text parses, else the text itself. */
export function prettyJson(text: string): { pretty: string; json: unknown; ok: boolean } {
  try {
    const json = JSON.parse(text) as unknown;
    return { pretty: JSON.stringify(json, null, 2), json, ok: true };
  } catch {
    return { pretty: text, json: undefined, ok: false };
  }
}

/** A monospace block of (pretty-printed) body text. */
export function CodeBlock({ text, label }: { text: string; label: string }) {
  return (
    <pre className="code-block" data-label={label}>
      {text}
    </pre>
  );
}
