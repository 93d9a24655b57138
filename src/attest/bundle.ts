/**
 * The envelope as a Sigstore bundle (v0.3) with public-key verification material: what Sigstore's
 * tooling reads when no certificate from Sigstore's services is involved. A bundle holds exactly one
 * DSSE signature, so each co-signer's signature travels in a bundle of its own; the public key is
 * named by its hint, the signature's keyid.
 */
import { assertBundle, assertBundleLatest, bundleFromJSON, bundleToJSON, envelopeToJSON, isBundleWithDsseEnvelope, toDSSEBundle, ValidationError } from '@sigstore/bundle';
import { invalidInput } from '../errors.js';
import { payloadBytes, type DsseEnvelope, type DsseSignature } from './dsse.js';

export function toSigstoreBundle(envelope: DsseEnvelope, signature: DsseSignature): unknown {
  const bundle = toDSSEBundle({ artifact: payloadBytes(envelope), artifactType: envelope.payloadType, signature: Buffer.from(signature.sig, 'base64'), keyHint: signature.keyid });
  assertBundleLatest(bundle);
  return bundleToJSON(bundle);
}

export function isSigstoreBundle(json: unknown): boolean {
  return typeof json === 'object' && json !== null && typeof (json as { mediaType?: unknown }).mediaType === 'string' && String((json as { mediaType: string }).mediaType).startsWith('application/vnd.dev.sigstore.bundle');
}

/** The DSSE envelope a Sigstore bundle carries, as JSON (checked as a bundle first). */
export function envelopeJsonOfBundle(json: unknown, source: string): unknown {
  try {
    const bundle = bundleFromJSON(json);
    assertBundle(bundle);
    if (!isBundleWithDsseEnvelope(bundle)) throw new ValidationError('the bundle carries a message signature, not a DSSE envelope', ['content.dsseEnvelope']);
    return envelopeToJSON(bundle.content.dsseEnvelope);
  } catch (e) {
    const fields = e instanceof ValidationError && e.fields !== undefined ? e.fields.join(', ') : '';
    throw invalidInput({ source, field: fields, expected: 'a Sigstore bundle with a DSSE envelope', found: (e as Error).message });
  }
}
