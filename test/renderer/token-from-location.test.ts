// @vitest-environment jsdom
/** The page's `?token=` is read once, kept for the tab, and taken out of the address bar. */
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenFromLocation } from '../../renderer/api/browser-client.ts';

beforeEach(() => {
  window.sessionStorage.clear();
});

describe('tokenFromLocation', () => {
  it('drops the token from the URL once read and keeps it for a reload of the tab', () => {
    window.history.replaceState({ view: 1 }, '', '/?token=s3cret&x=1#row-4');
    expect(tokenFromLocation()).toBe('s3cret');
    expect(window.location.href).not.toContain('s3cret');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/?x=1#row-4');
    expect(window.history.state).toEqual({ view: 1 });
    // The reload: the URL has no token any more, the tab still has it.
    expect(tokenFromLocation()).toBe('s3cret');
  });

  it('leaves a URL without a token alone, and has none in a new tab', () => {
    window.history.replaceState(null, '', '/');
    expect(tokenFromLocation()).toBeNull();
    expect(window.location.href).toBe(`${window.location.origin}/`);
  });
});
