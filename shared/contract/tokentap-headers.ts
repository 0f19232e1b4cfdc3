/**
 * Tokentap's own marks on the traffic it handles, declared once for the proxy, the replay server,
 * the capture and the renderer.
 */

/** The prefix of every header Tokentap adds itself; none of them is ever sent upstream or resent. */
export const TOKENTAP_HEADER_PREFIX = 'x-tokentap-';

/** The response header replay mode adds to every answer it gives: the recording's id, or `miss`. */
export const REPLAY_HEADER = 'x-tokentap-replay';

/** The request header of a resend: `<original id>; nonce=<n>` (stripped before forwarding). */
export const RESENT_FROM_HEADER = 'x-tokentap-resent-from';

/** The value of `x-tokentap-replay` (and of a summary's `replayOf`) on a 404 no recording matched. */
export const REPLAY_MISS = 'miss';

/** The OpenAI-shaped error type and code of that 404. */
export const REPLAY_MISS_ERROR = { type: 'replay_miss', code: 'no_recording' } as const;
