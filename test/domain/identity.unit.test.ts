import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeHandle } from '../../src/domain/identity.ts';

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Dana.Smith@Example.COM ')).toBe('dana.smith@example.com');
  });

  it('keeps provider-specific parts that would merge distinct people if stripped', () => {
    expect(normalizeEmail('dana.smith+crm@gmail.com')).toBe('dana.smith+crm@gmail.com');
    expect(normalizeEmail('danasmith@gmail.com')).not.toBe(normalizeEmail('dana.smith@gmail.com'));
  });

  it.each(['', '   ', 'dana', 'dana@', '@example.com', 'dana@example', 'da na@example.com'])(
    'returns null for %j',
    (input) => {
      expect(normalizeEmail(input)).toBeNull();
    },
  );
});

describe('normalizeHandle', () => {
  it('trims, strips one leading @ and lower-cases', () => {
    expect(normalizeHandle('instagram', '  @Dana_Smith ')).toEqual({ network: 'instagram', handle: 'dana_smith' });
  });

  it('keeps the instance part of a fediverse handle', () => {
    expect(normalizeHandle('mastodon', '@Dana@Mastodon.Social')).toEqual({
      network: 'mastodon',
      handle: 'dana@mastodon.social',
    });
  });

  it('folds twitter into x', () => {
    expect(normalizeHandle('twitter', '@dana')).toEqual({ network: 'x', handle: 'dana' });
  });

  it('returns an empty handle for a bare @', () => {
    expect(normalizeHandle('x', ' @ ').handle).toBe('');
  });
});
