/** One tool (function) call reassembled from a stream or read from a JSON body. */
export interface ToolCall {
  id: string | null;
  name: string;
  /** The arguments exactly as the model produced them (usually JSON text). */
  arguments: string;
}

/** What the model answered, reassembled from stream deltas or read from a JSON body. */
export interface MergedResult {
  text: string;
  refusal: string | null;
  reasoning: string | null;
  toolCalls: ToolCall[];
  finishReason: string | null;
}
