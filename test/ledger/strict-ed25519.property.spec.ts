/**
 * A signature's verdict is OpenSSL's whether or not libsodium checks it first
 * (src/ledger/strict-ed25519.ts): on the edge cases where Ed25519 implementations disagree, and on
 * valid signatures edited at random, `verifySignature` says what Node's `crypto.verify` alone says.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySignature, verifySignatureIn } from '../../src/ledger/keys.js';
import { strictCheckLoaded, strictlyAccepted } from '../../src/ledger/strict-ed25519.js';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const rawOf = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
const keyObjectOf = (raw: Uint8Array) => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

/** OpenSSL's verdict alone, through Node (an unreadable key is a refusal, as `verifySignature` takes it). */
function opensslVerdict(raw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, keyObjectOf(raw), signature);
  } catch {
    return false;
  }
}

const written = (raw: Uint8Array) => `ed25519:${Buffer.from(raw).toString('base64')}`;

/**
 * The edge cases of "Taming the Many EdDSAs" (Chalkias, Garillot, Nikolaenko, 2020; the
 * ed25519-speccheck project's cases 0–9): small-order keys and R, a mixed-order key, S at or past the
 * group order, a non-canonical R. Hex: message, public key, signature.
 */
const EDGE_CASES: readonly (readonly [string, string, string])[] = [
  ['8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000'],
  ['9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04'],
  ['aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab', 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e'],
  ['9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79', 'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d', '9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009'],
  ['e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c', 'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d', '160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09'],
  ['e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c', 'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d', '21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405'],
  ['85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40', '442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623', 'e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514'],
  ['85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40', '442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623', '8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22'],
  ['fdaebc429f4a735932a160da1301080c13280eea8bc280d1b392c6b9e6ba3a5a', 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f454d370c8d9fc323a41450f8d513eafeb5b0697390c1e505a0d4ddc71f566607'],
  ['84b698d39be126ff55fe45079e6c8bf64a0d7db6994560b4e96b7021eb39c1a1', 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f084d5b99c2a9463d9c8bd5026916996984eeec87ddf1d3be329006ace1b37b09'],
];

/** The group order L, little-endian as a scalar is encoded. */
const L = (() => {
  let l = (1n << 252n) + 27742317777372353535851937790883648493n;
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < 32; i++, l >>= 8n) bytes[i] = Number(l & 0xffn);
  return bytes;
})();

/** S + L: the same point equation, a scalar encoded past the order (refused by both, as it must be). */
function withScalarPastOrder(signature: Uint8Array): Buffer {
  const out = Buffer.from(signature);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = out[32 + i]! + L[i]! + carry;
    out[32 + i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

const SMALL_ORDER_POINTS = ['c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43'].map((h) => Buffer.from(h, 'hex'));

const signers = Array.from({ length: 3 }, () => generateKeyPairSync('ed25519'));

/** How a valid signature is changed before it is checked. */
const change = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('flip-signature' as const), bit: fc.nat({ max: 511 }) }),
  fc.record({ kind: fc.constant('flip-message' as const), at: fc.nat() , bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('flip-key' as const), bit: fc.nat({ max: 255 }) }),
  fc.constant({ kind: 'scalar-past-order' as const }),
  fc.record({ kind: fc.constant('small-order-r' as const), point: fc.nat({ max: SMALL_ORDER_POINTS.length - 1 }) }),
  fc.record({ kind: fc.constant('small-order-key' as const), point: fc.nat({ max: SMALL_ORDER_POINTS.length - 1 }) }),
  fc.record({ kind: fc.constant('other-signer' as const), signer: fc.nat({ max: signers.length - 1 }) }),
);

describe('a signature checked by libsodium first', () => {
  beforeAll(() => {
    // Otherwise every check below would be OpenSSL's alone, and this would prove nothing.
    expect(strictCheckLoaded()).toBe(true);
  });

  it('gets OpenSSL’s verdict on each edge case, including those libsodium refuses and OpenSSL accepts', () => {
    const disagreements: number[] = [];
    EDGE_CASES.forEach(([message, key, signature], i) => {
      const [m, k, s] = [message, key, signature].map((h) => Buffer.from(h, 'hex')) as [Buffer, Buffer, Buffer];
      const openssl = opensslVerdict(k, m, s);
      expect(verifySignature(written(k), m, s.toString('base64')), `case ${i}`).toBe(openssl);
      expect(verifySignatureIn(written(k), m, Buffer.from(s.toString('base64')), 0, 88), `case ${i}, from bytes`).toBe(openssl);
      // The one way the two could part: libsodium accepting what OpenSSL refuses.
      if (strictlyAccepted(k, m, s)) expect(openssl, `case ${i}`).toBe(true);
      else if (openssl) disagreements.push(i);
    });
    // Small-order keys and R: accepted by OpenSSL, refused by libsodium, so OpenSSL decided them.
    expect(disagreements).toEqual([0, 1, 2]);
  });

  it('gets OpenSSL’s verdict on valid signatures and on each kind of edit', () => {
    fc.assert(
      fc.property(fc.nat({ max: signers.length - 1 }), fc.uint8Array({ maxLength: 1200 }), change, (who, message, how) => {
        const { privateKey, publicKey } = signers[who]!;
        let key: Uint8Array = Buffer.from(rawOf(publicKey));
        let m = Buffer.from(message);
        let s: Buffer = sign(null, m, privateKey);
        switch (how.kind) {
          case 'none':
            break;
          case 'flip-signature':
            s[how.bit >> 3]! ^= 1 << (how.bit & 7);
            break;
          case 'flip-message':
            if (m.length > 0) m[how.at % m.length]! ^= 1 << how.bit;
            else m = Buffer.from([1]);
            break;
          case 'flip-key':
            key = Buffer.from(key);
            key[how.bit >> 3]! ^= 1 << (how.bit & 7);
            break;
          case 'scalar-past-order':
            s = withScalarPastOrder(s);
            break;
          case 'small-order-r':
            SMALL_ORDER_POINTS[how.point]!.copy(s, 0);
            break;
          case 'small-order-key':
            key = SMALL_ORDER_POINTS[how.point]!;
            break;
          case 'other-signer':
            s = sign(null, m, signers[how.signer]!.privateKey);
            break;
        }
        const expected = opensslVerdict(key, m, s);
        expect(verifySignature(written(key), m, s.toString('base64'))).toBe(expected);
        if (strictlyAccepted(key, m, s)) expect(expected).toBe(true);
        if (how.kind === 'none') expect(expected).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
