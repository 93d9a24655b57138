/**
 * A signature's text is read by a pattern (`keys.ts`), not by decoding and encoding it again: the
 * pattern must take exactly the texts the round trip takes, or a signature written another way
 * (URL-safe letters, spaces, missing padding, stray bits) would verify.
 *
 * `verifySignatureIn` reads the text from bytes (an ASCII line copied into a buffer,
 * `seal-check.ts`) and decodes it in one loop: it must take exactly the texts `verifySignature`
 * takes, each written as bytes (one a character) between other bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, signerFromPem, verifySignature, verifySignatureIn } from '../../src/ledger/keys.js';

/** The round trip the pattern stands for: decodes to 64 bytes and encodes back to the same text. */
const roundTrips = (text: string) => {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 64 && bytes.toString('base64') === text;
};

const { privateKeyPem, publicKey } = generateKeyPair();
const signer = signerFromPem(privateKeyPem);
const message = Buffer.from('cutover-event-v1\n{"seq":1}', 'utf8');
const good = signer.sign(message);

/** A signature's text edited at one place: a character replaced, removed or added. */
const edited = fc
  .record({
    at: fc.nat({ max: good.length }),
    kind: fc.constantFrom('replace', 'remove', 'insert'),
    text: fc.oneof(fc.constantFrom('A', 'B', 'Q', 'R', 'g', 'h', 'w', 'x', '+', '/', '-', '_', '=', ' ', '\n', '0', '9', '\u00c1', '\u00ab', '\u00ef', '\u0080', '\u00ff'), fc.string({ maxLength: 2 })),
  })
  .map(({ at, kind, text }) => (kind === 'insert' ? good.slice(0, at) + text + good.slice(at) : good.slice(0, at) + (kind === 'replace' ? text : '') + good.slice(at + 1)));

describe('a signature text', () => {
  it('verifies exactly when it is the canonical base64 of the signature', () => {
    expect(verifySignature(publicKey, message, good)).toBe(true);
    fc.assert(
      fc.property(edited, (text) => {
        const sameBytes = Buffer.from(text, 'base64').equals(Buffer.from(good, 'base64'));
        expect(verifySignature(publicKey, message, text)).toBe(roundTrips(text) && sameBytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('verifies with no other last characters: each of the alphabet in each of the last places', () => {
    // The random edits above rarely put a character with stray low bits last (I, Y, o, 4...).
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
    for (let at = 80; at < good.length; at++) {
      for (const ch of ALPHABET) {
        const text = good.slice(0, at) + ch + good.slice(at + 1);
        expect(verifySignature(publicKey, message, text), `${ch} at ${at}`).toBe(text === good);
      }
    }
  });

  it('any other text of about its length does not verify', () => {
    const anyText = fc.oneof(fc.string({ minLength: 84, maxLength: 92 }), fc.base64String({ minLength: 84, maxLength: 92 }));
    fc.assert(
      fc.property(anyText, (text) => {
        expect(verifySignature(publicKey, message, text)).toBe(text === good);
      }),
      { numRuns: 5000 },
    );
  });
});

const latin1Char = fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c));

/** Characters up to U+00FF, one byte each in latin1 (those above 0x7f: the text is then not ASCII). */
const oneByte = (text: string) => [...text].every((ch) => ch.charCodeAt(0) <= 0xff);

function verifiesIn(text: string, before: string, after: string): boolean {
  const bytes = Buffer.from(before + text + after, 'latin1');
  return verifySignatureIn(publicKey, message, bytes, before.length, before.length + text.length);
}

describe('a signature text read from bytes', () => {
  it('verifies exactly when the same text read from a string does', () => {
    expect(verifiesIn(good, '{"value":"', '"}')).toBe(true);
    fc.assert(
      fc.property(edited, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (text, before, after) => {
        fc.pre(oneByte(text + before + after));
        expect(verifiesIn(text, before, after)).toBe(verifySignature(publicKey, message, text));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the same last characters, whose stray bits make a text not canonical', () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
    for (let at = 80; at < 88; at++) {
      for (const ch of ALPHABET) {
        const text = good.slice(0, at) + ch + good.slice(at + 1);
        expect(verifiesIn(text, '', ''), `${ch} at ${at}`).toBe(verifySignature(publicKey, message, text));
      }
    }
  });

  it('any other text of about its length does not verify', () => {
    const anyText = fc.oneof(fc.string({ minLength: 84, maxLength: 92 }), fc.base64String({ minLength: 84, maxLength: 92 }), fc.string({ unit: latin1Char, minLength: 88, maxLength: 88 }));
    fc.assert(
      fc.property(anyText, (text) => {
        fc.pre(oneByte(text));
        expect(verifiesIn(text, '"', '"')).toBe(text === good);
        expect(verifiesIn(text, '"', '"')).toBe(verifySignature(publicKey, message, text));
      }),
      { numRuns: 5000 },
    );
  });
});
