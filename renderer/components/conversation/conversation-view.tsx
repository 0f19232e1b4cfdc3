import { useMemo, useState } from 'react';
import { prettyJson } from '../detail/json-view.tsx';
import './conversation.css';
import { MarkdownText } from './markdown-text.tsx';
import { type Chat, type ChatMessage, type ChatPart, pairToolResults } from './read-chat.ts';

/** Longer texts show their start and a button for the rest (a 40 KB tool result would bury the chat). */
const EXCERPT = 1500;
/** Markdown is longer on screen than code for the same characters. */
const MARKDOWN_EXCERPT = 1200;

function LongText({ text, pretty = false }: { text: string; pretty?: boolean }) {
  const [all, setAll] = useState(false);
  const shown = pretty ? prettyJson(text).pretty : text;
  const cut = !all && shown.length > EXCERPT;
  return (
    <>
      <pre className="code-block small chat-pre">{cut ? `${shown.slice(0, EXCERPT)}…` : shown}</pre>
      {cut && (
        <button type="button" className="tool-button" onClick={() => setAll(true)}>
          Show all ({shown.length.toLocaleString('en-US')} characters)
        </button>
      )}
    </>
  );
}

/** Markdown text; a long one (a 10 KB system prompt) shows its start and a button for the rest. */
function LongMarkdown({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  if (all || text.length <= MARKDOWN_EXCERPT * 1.5) return <MarkdownText text={text} />;
  return (
    <>
      <MarkdownText text={`${text.slice(0, MARKDOWN_EXCERPT)}…`} />
      <button type="button" className="tool-button chat-show-all" onClick={() => setAll(true)}>
        Show all ({text.length.toLocaleString('en-US')} characters)
      </button>
    </>
  );
}

function ImageThumb({ part, place }: { part: Extract<ChatPart, { kind: 'image' }>; place: string }) {
  const [large, setLarge] = useState(false);
  if (part.src === null) {
    return (
      <p className="chat-image-missing">
        Image not loaded (only images inside the body are shown): <code>{part.label.slice(0, 200)}</code>
      </p>
    );
  }
  return (
    <button
      type="button"
      className={`chat-image-button${large ? ' large' : ''}`}
      aria-label={
        large ? `Shrink image (${part.label}, ${place})` : `Enlarge image (${part.label}, ${place})`
      }
      aria-pressed={large}
      onClick={() => setLarge((v) => !v)}
    >
      <img className="chat-image" src={part.src} alt={`${part.label} in ${place}`} />
    </button>
  );
}

function ToolCall({
  part,
  result,
}: {
  part: Extract<ChatPart, { kind: 'tool-call' }>;
  result: Extract<ChatPart, { kind: 'tool-result' }> | undefined;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a call and its result are a group of text, not a form's fieldset
    <div className="chat-tool" role="group" aria-label={`Tool call ${part.name}`}>
      <div className="chat-tool-head">
        calls <strong>{part.name}</strong>
        {part.id && <span className="muted"> · {part.id}</span>}
      </div>
      <div className="chat-tool-pair">
        <div>
          <div className="chat-tool-label">Arguments</div>
          <LongText text={part.args} pretty />
        </div>
        <div>
          <div className={`chat-tool-label${result?.isError ? ' error-text' : ''}`}>
            {result ? (result.isError ? 'Result (error)' : 'Result') : 'Result'}
          </div>
          {result ? (
            <LongText text={result.text} pretty />
          ) : (
            <p className="muted">No result in this request.</p>
          )}
        </div>
      </div>
    </div>
  );
}

function PartView({
  part,
  place,
  pairs,
  paired,
}: {
  part: ChatPart;
  place: string;
  pairs: Map<ChatPart, ChatPart>;
  paired: Set<ChatPart>;
}) {
  switch (part.kind) {
    case 'text':
      return <LongMarkdown text={part.text} />;
    case 'reasoning':
      return (
        <details className="chat-reasoning">
          <summary>Reasoning ({part.text.length.toLocaleString('en-US')} characters)</summary>
          <MarkdownText text={part.text} />
        </details>
      );
    case 'image':
      return <ImageThumb part={part} place={place} />;
    case 'tool-call': {
      const result = pairs.get(part);
      return <ToolCall part={part} result={result?.kind === 'tool-result' ? result : undefined} />;
    }
    case 'tool-result':
      if (paired.has(part)) {
        return (
          <p className="chat-result-ref muted">
            Result{part.id ? ` of ${part.id}` : part.name ? ` of ${part.name}` : ''}: shown beside its call.
          </p>
        );
      }
      return (
        // biome-ignore lint/a11y/useSemanticElements: a call and its result are a group of text, not a form's fieldset
        <div className="chat-tool" role="group" aria-label="Tool result">
          <div className={`chat-tool-head${part.isError ? ' error-text' : ''}`}>
            result{part.isError ? ' (error)' : ''}
            {(part.id ?? part.name) && <span className="muted"> · {part.id ?? part.name}</span>}
          </div>
          <LongText text={part.text} pretty />
        </div>
      );
    case 'other':
      return (
        <details className="chat-other">
          <summary>{part.label}</summary>
          <LongText text={part.json} pretty />
        </details>
      );
  }
}

function MessageView({
  message,
  pairs,
  paired,
}: {
  message: ChatMessage;
  pairs: Map<ChatPart, ChatPart>;
  paired: Set<ChatPart>;
}) {
  const answer = message.place === 'answer';
  return (
    <li
      className={`chat-msg chat-role-${message.role}${answer ? ' chat-answer' : ''}`}
      data-place={message.place}
    >
      <div className="chat-msg-head">
        <span className="chat-role">{message.role}</span>
        {message.name && <span className="muted"> ({message.name})</span>}
        <span className="chat-place">{answer ? 'the answer' : message.place}</span>
      </div>
      <div className="chat-msg-body">
        {message.parts.length === 0 ? (
          <span className="muted">(empty)</span>
        ) : (
          message.parts.map((part, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity but their place
            <PartView key={j} part={part} place={message.place} pairs={pairs} paired={paired} />
          ))
        )}
      </div>
    </li>
  );
}

/** A conversation as a person reads it: roles, Markdown text, tool calls beside their results, images, reasoning folded. */
export function ConversationView({ chat }: { chat: Chat }) {
  const pairs = useMemo(() => pairToolResults(chat.messages), [chat]);
  const paired = useMemo(() => new Set(pairs.values()), [pairs]);
  return (
    <div className="chat-view">
      <ol className="chat" aria-label="Messages">
        {chat.messages.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their place
          <MessageView key={i} message={message} pairs={pairs} paired={paired} />
        ))}
      </ol>
      {chat.tools.length > 0 && (
        <section aria-label="Tools offered" className="chat-tools">
          <h3>Tools offered ({chat.tools.length})</h3>
          <ul>
            {chat.tools.map((tool, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two tools may share a name
              <li key={i}>
                <details>
                  <summary>
                    <strong>{tool.name}</strong>
                    {tool.description && <span className="muted"> — {tool.description.slice(0, 200)}</span>}
                  </summary>
                  <pre className="code-block small">{JSON.stringify(tool.parameters, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
