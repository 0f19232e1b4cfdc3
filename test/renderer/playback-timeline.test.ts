import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  chunkGaps,
  EVEN_PACE_MS,
  frameAt,
} from '../../renderer/playback/playback-timeline.ts';
import { buildRecord, sampleRecords } from './support/records.ts';

describe('playback timeline', () => {
  const records = sampleRecords();

  for (const id of ['ex-chat', 'ex-tools', 'ex-responses', 'ex-anthropic', 'ex-ollama']) {
    it(`rebuilds the exact merged result of ${id} from its chunks`, () => {
      const record = records.find((r) => r.id === id);
      if (!record) throw new Error(id);
      const timeline = buildTimeline(record);
      expect(timeline.streamed).toBe(true);
      expect(timeline.pacing).toBe('recorded');
      expect(timeline.final).toEqual(record.merged);
      // The text grows monotonically, one event at a time, at the chunks' own times.
      const texts = timeline.frames.map((f) => f.merged.text);
      for (let i = 1; i < texts.length; i++) expect(texts[i]?.startsWith(texts[i - 1] ?? '')).toBe(true);
      expect(timeline.frames[0]?.t).toBe(record.chunks[0]?.t);
      expect(timeline.durationMs).toBe(record.chunks.at(-1)?.t);
    });
  }

  it('plays an interrupted stream up to where it stopped', () => {
    const record = records.find((r) => r.id === 'ex-cut');
    if (!record) throw new Error('ex-cut');
    const timeline = buildTimeline(record);
    expect(timeline.final?.text).toBe(record.merged?.text);
    expect(timeline.final?.text).toBe('The capital of Mexico');
  });

  it('paces evenly when the chunks carry no timings (an imported HAR)', () => {
    const record = buildRecord({
      id: 'har',
      seq: 1,
      fixture: 'anthropic-messages-stream.sse',
      path: '/v1/messages',
      body: { model: 'claude-sonnet-4-20250514', stream: true, messages: [] },
    });
    const imported = { ...record, chunks: [] };
    const timeline = buildTimeline(imported);
    expect(timeline.pacing).toBe('even');
    expect(timeline.final?.text).toBe(record.merged?.text);
    expect(timeline.frames.map((f) => f.t)).toEqual(timeline.frames.map((_, i) => i * EVEN_PACE_MS));
  });

  it('does not play back a non-streamed response', () => {
    const record = records.find((r) => r.id === 'ex-401');
    if (!record) throw new Error('ex-401');
    expect(buildTimeline(record).streamed).toBe(false);
  });

  it('finds the frame at a time and marks stalls', () => {
    const record = records.find((r) => r.id === 'ex-cut');
    if (!record) throw new Error('ex-cut');
    const timeline = buildTimeline(record);
    expect(frameAt(timeline.frames, -1)).toBe(-1);
    expect(frameAt(timeline.frames, timeline.durationMs)).toBe(timeline.frames.length - 1);
    const { bars } = chunkGaps(timeline.chunkTimes);
    expect(bars.filter((b) => b.stall)).toHaveLength(1);
    expect(bars.find((b) => b.stall)?.gapMs).toBeCloseTo(900);
  });
});
