import { describe, expect, it } from 'vitest';
import { RecordingMatcher } from '../../../electron/replay/recording-matcher.ts';
import { jsonRecord } from '../../support/sample-records.ts';

describe('RecordingMatcher', () => {
  it('matches a live request carrying a query key to its recording, whose key was redacted', () => {
    const recorded = { ...jsonRecord(), path: '/v1beta/models/gemini:generateContent?key=[redacted]' };
    const matcher = new RecordingMatcher([recorded], []);
    const live = '/v1beta/models/gemini:generateContent?key=AIzaSyLIVEkey';
    expect(matcher.take(recorded.method, live, recorded.request.body)?.id).toBe(recorded.id);
    expect(matcher.take(recorded.method, `${live}&alt=sse`, recorded.request.body)).toBeNull();
    expect(matcher.closest(recorded.method, live, '{"model":"other"}')[0]).toContain(`#${recorded.seq}`);
  });
});
