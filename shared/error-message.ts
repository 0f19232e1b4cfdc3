/** What a caught value says, in one line: an Error's message, anything else as a string (a throw may throw anything). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
