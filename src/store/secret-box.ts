/**
 * Encryption at rest for OAuth tokens and other secrets: AES-256-GCM with a random 96-bit IV.
 *
 * The record id that owns the secret (the installation id) is bound as associated data, so a
 * ciphertext copied onto another installation's row fails to decrypt instead of silently
 * handing one tenant another tenant's token. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

export class DecryptError extends Error {
  constructor() {
    // Deliberately says nothing about the ciphertext or key: errors end up in logs.
    super('secret could not be decrypted (wrong key, tampered data or wrong owner)');
    this.name = 'DecryptError';
  }
}

export function encryptSecret(key: Buffer, plaintext: string, associatedData: string): string {
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
}

export function decryptSecret(key: Buffer, sealed: string, associatedData: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptError();
  const [, iv, tag, body] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError();
  }
}
