import { describe, expect, it } from 'vitest';
import { parseSettings, sameHandleFields } from '../../src/sync/settings.ts';

describe('settings.handleFields', () => {
  it('defaults to none, and parses network → property', () => {
    expect(parseSettings({}).handleFields).toEqual({});
    expect(parseSettings({ handleFields: { x: 'twitterhandle', linkedin: ' linkedin_profile ' } }).handleFields).toEqual({ x: 'twitterhandle', linkedin: 'linkedin_profile' });
  });

  it('drops a malformed value without breaking the other settings', () => {
    const s = parseSettings({ handleFields: { myspace: 'x' }, stageOverrides: { '123': 'decision' } });
    expect(s.handleFields).toEqual({});
    expect(s.stageOverrides).toEqual({ '123': 'decision' });
  });

  it('compares settings by content, not key order', () => {
    expect(sameHandleFields({ x: 'a', linkedin: 'b' }, { linkedin: 'b', x: 'a' })).toBe(true);
    expect(sameHandleFields({ x: 'a' }, { x: 'b' })).toBe(false);
    expect(sameHandleFields({}, { x: 'a' })).toBe(false);
  });
});
