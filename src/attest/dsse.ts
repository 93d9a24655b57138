/**
 * DSSE, the envelope every in-toto attestation travels in (secure-systems-lab/dsse, protocol v1): a
 * payload, its type, and signatures over the pre-authentication encoding (PAE) of both, so a
 * signature can never be taken for one over another type. Keys are the roles' Ed25519 keys; a
 * signature's keyid is the sha256 (hex) of the raw 32-byte public key.
 */
import { createHash } from 'node:crypto';
import { invalidInput } from '../errors.js';
import { verifySignature, type Signer } from '../ledger/keys.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  readonly keyid: string;
  /** Base64 of the 64-byte Ed25519 signature over PAE(payloadType, payload). */
  readonly sig: string;
}

export interface DsseEnvelope {
  /** Base64 of the payload bytes. */
  readonly payload: string;
  readonly payloadType: string;
  readonly signatures: readonly DsseSignature[];
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** The keyid of a public key written `ed25519:<base64 of the raw key>`: sha256 of the raw bytes, hex. */
export function keyIdOf(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey.slice(publicKey.indexOf(':') + 1), 'base64')).digest('hex');
}

export function payloadBytes(envelope: Pick<DsseEnvelope, 'payload'>): Buffer {
  return Buffer.from(envelope.payload, 'base64');
}

/** A signature by `signer` over the envelope's payload, with the keyid of its public key. */
export function signEnvelope(envelope: Pick<DsseEnvelope, 'payload' | 'payloadType'>, signer: Signer): DsseSignature {
  return { keyid: keyIdOf(signer.publicKey), sig: signer.sign(preAuthEncoding(envelope.payloadType, payloadBytes(envelope))) };
}

/** Does `signature` verify with `publicKey` over this envelope's payload? */
export function signatureHolds(envelope: DsseEnvelope, signature: DsseSignature, publicKey: string): boolean {
  return verifySignature(publicKey, preAuthEncoding(envelope.payloadType, payloadBytes(envelope)), signature.sig);
}

/** Standard or URL-safe base64, as DSSE lets signers use either; read as standard base64 (padded). */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function standardBase64(text: string): string {
  const plain = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return plain + '='.repeat((4 - (plain.length % 4)) % 4);
}

/** Read a DSSE envelope from parsed JSON; `source` names the file in errors. */
export function envelopeFrom(json: unknown, source: string): DsseEnvelope {
  const problem = (field: string, expected: string, found: unknown) =>
    invalidInput({ source, field, expected, found: found === undefined ? 'nothing' : JSON.stringify(found).slice(0, 80) }, ['give the file cutover attest create wrote (a DSSE envelope or a Sigstore bundle)']);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw problem('', 'a DSSE envelope (a JSON object with payload, payloadType and signatures)', json);
  const e = json as Record<string, unknown>;
  if (typeof e.payload !== 'string' || !BASE64.test(e.payload)) throw problem('payload', 'base64 text', e.payload);
  if (typeof e.payloadType !== 'string') throw problem('payloadType', `"${IN_TOTO_PAYLOAD_TYPE}"`, e.payloadType);
  if (!Array.isArray(e.signatures)) throw problem('signatures', 'an array of { keyid, sig }', e.signatures);
  const signatures = e.signatures.map((s: unknown, i) => {
    const sig = s as Record<string, unknown> | null;
    if (typeof sig !== 'object' || sig === null || typeof sig.sig !== 'string' || !BASE64.test(sig.sig)) throw problem(`signatures[${i}].sig`, 'base64 text', sig?.sig);
    if (sig.keyid !== undefined && typeof sig.keyid !== 'string') throw problem(`signatures[${i}].keyid`, 'text', sig.keyid);
    return { keyid: (sig.keyid as string | undefined) ?? '', sig: standardBase64(sig.sig) };
  });
  return { payload: standardBase64(e.payload), payloadType: e.payloadType, signatures };
}
