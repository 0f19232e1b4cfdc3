import { arrayOf, integer, isoDate, number, object, type Shape, string } from '../exchange/shape-check.ts';

const nameValue = object({ name: string, value: string });

/** HAR's `timings`: every phase optional, -1 when it does not apply. */
const timings = object(
  {},
  {
    blocked: number,
    dns: number,
    connect: number,
    send: number,
    wait: number,
    receive: number,
    ssl: number,
  },
);

/**
 * What Tokentap needs of any HAR entry, its own or a foreign tool's: only the fields it reads are
 * required, so the HARs that Chrome, Firefox, HTTP Toolkit and mitmproxy write all pass.
 */
export const HAR_ENTRY_FIELDS: Record<string, Shape> = {
  startedDateTime: isoDate,
  request: object(
    { method: string, url: string, headers: arrayOf(nameValue) },
    {
      bodySize: integer,
      postData: object(
        {},
        {
          mimeType: string,
          text: string,
          encoding: string,
          params: arrayOf(object({ name: string }, { value: string })),
        },
      ),
    },
  ),
  response: object(
    {
      status: integer,
      headers: arrayOf(nameValue),
      content: object({}, { size: number, mimeType: string, text: string, encoding: string }),
    },
    { bodySize: integer },
  ),
};

/** Entry fields read when present (the spec requires them, but not every tool writes them). */
export const HAR_ENTRY_OPTIONAL_FIELDS: Record<string, Shape> = { time: number, timings };
