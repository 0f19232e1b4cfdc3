import { memo } from 'react';
import Markdown, { type Components, type UrlTransform } from 'react-markdown';
import { safeImageSource, safeLinkTarget } from './safe-url.ts';

/** Unsafe targets become '' (react-markdown then leaves the attribute out); safe ones stay as they are. */
const transformUrl: UrlTransform = (url, key) =>
  (key === 'src' ? safeImageSource(url) : safeLinkTarget(url)) ?? '';

const components: Components = {
  // A link opens in the user's browser only when clicked (a new window, which the desktop app hands to
  // the system browser), never in the inspector's own page; an unsafe one is just its text.
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow" title={href}>
        {children}
      </a>
    ) : (
      <span className="md-unlinked">{children}</span>
    ),
  // Only inline images from the body itself: a remote image would be a request the page makes.
  img: ({ src, alt }) =>
    typeof src === 'string' && src !== '' ? (
      <img className="chat-image" src={src} alt={alt ?? 'image'} />
    ) : (
      <span className="md-image-placeholder">[image{alt ? `: ${alt}` : ''}, not loaded]</span>
    ),
};

/** Message text as Markdown, rendered safely: no raw HTML, no script URLs, no fetches. */
export const MarkdownText = memo(function MarkdownText({ text }: { text: string }) {
  return (
    <div className="md-text">
      <Markdown skipHtml urlTransform={transformUrl} components={components}>
        {text}
      </Markdown>
    </div>
  );
});
