/**
 * HTTP Archive 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the parts Tokentap writes
 * and reads. Fields starting with `_` are custom fields, which the spec allows anywhere.
 */

export interface Har {
  log: HarLog;
}

export interface HarLog {
  version: string;
  creator: HarCreator;
  entries: HarEntry[];
  comment?: string;
}

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

/** A header, query parameter or cookie: HAR keeps them as ordered name/value lists. */
export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  /** Total elapsed ms: the sum of the non-negative timings. */
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  [custom: `_${string}`]: unknown;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  [custom: `_${string}`]: unknown;
}

export interface HarPostData {
  mimeType: string;
  text: string;
  /** `base64` when `text` holds binary content encoded so (not in HAR 1.2, but written by Chrome). */
  encoding?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  [custom: `_${string}`]: unknown;
}

export interface HarContent {
  /** Length of the decoded content in bytes. */
  size: number;
  mimeType: string;
  text?: string;
  /** `base64` when `text` holds binary content encoded so. */
  encoding?: string;
}

/** Phases of the exchange in ms; -1 where a phase does not apply. */
export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  send: number;
  wait: number;
  receive: number;
  ssl: number;
}
