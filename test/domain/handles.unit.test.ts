import { describe, expect, it } from 'vitest';
import { handleFromCrmValue, handlesFromCrmProperties } from '../../src/domain/identity.ts';

describe('handleFromCrmValue: bare handles', () => {
  it.each([
    ['x', '@Dana_Smith', { network: 'x', handle: 'dana_smith' }],
    ['x', '  dana ', { network: 'x', handle: 'dana' }],
    ['twitter', '@Dana', { network: 'x', handle: 'dana' }],
    ['linkedin', 'dana-smith-42', { network: 'linkedin', handle: 'dana-smith-42' }],
    ['instagram', 'dana.smith', { network: 'instagram', handle: 'dana.smith' }],
    ['mastodon', '@Dana@Mastodon.Social', { network: 'mastodon', handle: 'dana@mastodon.social' }],
  ] as const)('%s %j → %j', (network, value, expected) => {
    expect(handleFromCrmValue(network, value)).toEqual(expected);
  });

  it.each([
    ['x', ''],
    ['x', '   '],
    ['x', '@'],
    ['x', 'Dana Smith'],
    ['x', 'dana@example.com'],
    ['linkedin', 'in/dana'],
    ['x', 'a'.repeat(101)],
  ] as const)('%s %j is not a handle', (network, value) => {
    expect(handleFromCrmValue(network, value)).toBeNull();
  });

  it('takes null and undefined as no value', () => {
    expect(handleFromCrmValue('x', null)).toBeNull();
    expect(handleFromCrmValue('x', undefined)).toBeNull();
  });
});

describe('handleFromCrmValue: profile URLs', () => {
  it.each([
    ['x', 'https://twitter.com/Dana_Smith', 'dana_smith'],
    ['x', 'https://x.com/dana', 'dana'],
    ['x', 'http://www.twitter.com/dana/', 'dana'],
    ['x', 'https://mobile.twitter.com/dana?lang=en', 'dana'],
    ['x', 'twitter.com/dana', 'dana'],
    ['x', 'x.com/Dana#top', 'dana'],
    ['x', 'https://twitter.com/#!/dana', 'dana'],
    ['twitter', 'https://x.com/dana', 'dana'],
    ['linkedin', 'https://www.linkedin.com/in/dana-smith-1a2b3c/', 'dana-smith-1a2b3c'],
    ['linkedin', 'linkedin.com/in/Dana-Smith', 'dana-smith'],
    ['linkedin', 'https://uk.linkedin.com/in/dana-smith/en', 'dana-smith'],
    ['linkedin', 'https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller', 'jürgen-müller'],
    ['instagram', 'https://www.instagram.com/dana.smith/', 'dana.smith'],
    ['github', 'https://github.com/Dana-Smith', 'dana-smith'],
    ['tiktok', 'https://www.tiktok.com/@dana.smith', 'dana.smith'],
    ['youtube', 'https://www.youtube.com/@DanaSmith', 'danasmith'],
    ['reddit', 'https://www.reddit.com/user/dana_smith/', 'dana_smith'],
    ['reddit', 'https://old.reddit.com/u/dana_smith', 'dana_smith'],
    ['facebook', 'https://www.facebook.com/dana.smith.5', 'dana.smith.5'],
    ['bluesky', 'https://bsky.app/profile/dana.bsky.social', 'dana.bsky.social'],
    ['mastodon', 'https://mastodon.social/@Dana', 'dana@mastodon.social'],
    ['mastodon', 'https://hachyderm.io/users/dana', 'dana@hachyderm.io'],
  ] as const)('%s %s → %s', (network, url, handle) => {
    expect(handleFromCrmValue(network, url)?.handle).toBe(handle);
  });

  it.each([
    ['x', 'https://twitter.com/dana/status/1234567890', 'a post, maybe quoted from someone else'],
    ['x', 'https://twitter.com/home', 'a reserved path'],
    ['x', 'https://twitter.com/intent/tweet?text=hi', 'an intent link'],
    ['x', 'https://twitter.com/', 'no handle'],
    ['x', 'https://twitter.com/this_is_far_too_long_for_x', 'longer than X allows'],
    ['x', 'https://www.linkedin.com/in/dana', 'another network'],
    ['x', 'https://evil.example/twitter.com/dana', 'another host'],
    ['x', 'https://twitter.com.evil.example/dana', 'a look-alike host'],
    ['x', 'ftp://twitter.com/dana', 'not http'],
    ['linkedin', 'https://www.linkedin.com/company/acme', 'a company page'],
    ['linkedin', 'https://www.linkedin.com/pub/dana-smith/1/2/3', 'an old public profile URL'],
    ['linkedin', 'https://www.linkedin.com/in/', 'no slug'],
    ['linkedin', 'https://www.linkedin.com/in/%E0%A4%A', 'a broken escape'],
    ['instagram', 'https://www.instagram.com/p/Cxyz123/', 'a post'],
    ['facebook', 'https://www.facebook.com/profile.php?id=100012345', 'a numeric profile'],
    ['youtube', 'https://www.youtube.com/channel/UC123', 'a channel id, not a handle'],
    ['mastodon', 'https://mastodon.social/@dana/109999', 'a post'],
    ['community', 'https://forum.example.com/u/dana', 'a network without URL rules'],
    ['x', 'http://[::1', 'not a URL'],
  ] as const)('%s %s → null (%s)', (network, url, _why) => {
    expect(handleFromCrmValue(network, url)).toBeNull();
  });
});

describe('handlesFromCrmProperties', () => {
  it('reads each named field, normalises, folds twitter into x and leaves out what is not a handle', () => {
    expect(
      handlesFromCrmProperties(
        { twitter: 'twitterhandle', linkedin: 'linkedin_profile', instagram: 'ig', github: 'gh' },
        { twitterhandle: '@Dana', linkedin_profile: 'https://www.linkedin.com/in/dana-smith/', ig: null, gh: 'Dana Smith' },
      ),
    ).toEqual({ x: 'dana', linkedin: 'dana-smith' });
  });

  it('gives nothing for no fields or missing properties', () => {
    expect(handlesFromCrmProperties({}, { twitterhandle: 'dana' })).toEqual({});
    expect(handlesFromCrmProperties({ x: 'twitterhandle' }, {})).toEqual({});
  });
});
