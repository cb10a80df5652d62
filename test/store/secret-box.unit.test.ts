import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptError, decryptSecret, encryptSecret } from '../../src/store/secret-box.ts';

const key = randomBytes(32);

describe('secret box (AES-256-GCM, owner bound as associated data)', () => {
  it('round-trips and never shows the plaintext in the sealed form', () => {
    const sealed = encryptSecret(key, 'pat-na1-secret-token', 'inst-1');
    expect(sealed).not.toContain('pat-na1-secret-token');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(decryptSecret(key, sealed, 'inst-1')).toBe('pat-na1-secret-token');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(key, 'same', 'a')).not.toBe(encryptSecret(key, 'same', 'a'));
  });

  it('fails on a tampered ciphertext, tag or IV', () => {
    const sealed = encryptSecret(key, 'token-value', 'inst-1');
    const parts = sealed.split('.');
    for (const i of [1, 2, 3]) {
      const bytes = Buffer.from(parts[i]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
      expect(() => decryptSecret(key, tampered, 'inst-1')).toThrow(DecryptError);
    }
  });

  it('fails when moved to another owner (installation)', () => {
    const sealed = encryptSecret(key, 'token-value', 'inst-1');
    expect(() => decryptSecret(key, sealed, 'inst-2')).toThrow(DecryptError);
  });

  it('fails under another key, and its message carries no secret', () => {
    const sealed = encryptSecret(key, 'token-value', 'inst-1');
    try {
      decryptSecret(randomBytes(32), sealed, 'inst-1');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DecryptError);
      expect((err as Error).message).not.toContain('token-value');
      expect((err as Error).message).not.toContain(sealed);
    }
  });
});
