/**
 * Content types whose bodies are bytes, not text, even when those bytes happen to be valid UTF-8
 * (silent PCM audio is all zeros): they are stored as base64.
 */
const BINARY = [
  /^(audio|image|video|font)\//,
  /^application\/(octet-stream|pdf|zip|gzip|x-gzip|x-tar|zstd|wasm)\b/,
  /^application\/(x-)?(protobuf|msgpack|cbor|bson)\b/,
  /^application\/(grpc|vnd\.google\.protobuf)\b/,
];

/** True when the content type says the body is binary. */
export function isBinaryContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').trim().toLowerCase();
  return BINARY.some((pattern) => pattern.test(type));
}
