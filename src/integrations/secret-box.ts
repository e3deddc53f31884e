// Integration secrets (the Pax8 client secret, the PanelOne API token) at rest: AES-256-GCM
// under ENCRYPTION_KEY with a random 12-byte IV per value. Stored as
// `v1:<iv>:<auth tag>:<ciphertext>` (base64), so the format or key can be rotated later.
import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

const VERSION = 'v1';
const IV_BYTES = 12;

export class SecretDecryptionError extends Error {
  constructor() {
    super('A stored integration secret could not be decrypted (was ENCRYPTION_KEY changed?). Enter the secret again on the integrations settings page.');
    this.name = 'SecretDecryptionError';
  }
}

export function encryptSecret(plaintext: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptSecret(stored: string, key: Buffer): string {
  const [version, iv, tag, ciphertext, ...rest] = stored.split(':');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined || rest.length) throw new SecretDecryptionError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError();
  }
}

@Injectable()
export class SecretBox {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(config.ENCRYPTION_KEY, 'base64');
  }

  encrypt(plaintext: string): string {
    return encryptSecret(plaintext, this.key);
  }

  decrypt(stored: string): string {
    return decryptSecret(stored, this.key);
  }
}
