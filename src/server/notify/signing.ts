/**
 * Standard Webhooks signatures (github.com/standard-webhooks/standard-webhooks, spec.md): every
 * delivery carries `webhook-id`, `webhook-timestamp` and `webhook-signature`, the signature over
 * `${id}.${timestamp}.${body}`:
 * - `v1,<base64>`: HMAC-SHA256 with the sink's secret (`whsec_<base64>`), when the sink has one;
 * - `v1a,<base64>`: Ed25519 with the server's delivery key, whose public half is published at
 *   `/.well-known/cutover-delivery-key`.
 * The delivery key signs deliveries only, never a ledger line: the server still holds no role's key.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Webhook } from 'standardwebhooks';

export class DeliveryKey {
  private constructor(private readonly privateKey: KeyObject) {}

  /** The key in `file` (PKCS#8 PEM); a new one is generated and kept there (mode 0600) when there is none. */
  static atFile(file: string): DeliveryKey {
    if (existsSync(file)) return new DeliveryKey(createPrivateKey(readFileSync(file)));
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return new DeliveryKey(privateKey);
  }

  /** A key for this process only (a server with no place to keep one): receivers must fetch it again after a restart. */
  static ephemeral(): DeliveryKey {
    return new DeliveryKey(generateKeyPairSync('ed25519').privateKey);
  }

  signature(toSign: string): string {
    return `v1a,${sign(null, Buffer.from(toSign, 'utf8'), this.privateKey).toString('base64')}`;
  }

  /** The public half, as a JWK, PEM and Standard Webhooks' `whpk_` form. */
  published(): { readonly jwk: Record<string, unknown>; readonly pem: string; readonly whpk: string } {
    const pub = createPublicKey(this.privateKey);
    const jwk = pub.export({ format: 'jwk' }) as { x: string };
    return {
      jwk: { ...jwk, use: 'sig', alg: 'EdDSA' },
      pem: pub.export({ type: 'spki', format: 'pem' }) as string,
      whpk: `whpk_${Buffer.from(jwk.x, 'base64url').toString('base64')}`,
    };
  }
}

export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** The three headers for `body` sent as message `id` at `at`: v1 with `secret` when given, and v1a. */
export function signedHeaders(id: string, at: Date, body: string, key: DeliveryKey, secret?: string): SignedHeaders {
  const timestamp = Math.floor(at.getTime() / 1000);
  const signatures = [key.signature(`${id}.${timestamp}.${body}`)];
  if (secret !== undefined) signatures.unshift(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') };
}
