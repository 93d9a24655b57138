/** Claim matching over arbitrary claims: a matcher set holds exactly when each of its matchers holds alone, and never for a claim that is absent. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimsMatch, identityMatches } from '../../src/domain/identity.js';

const name = fc.constantFrom('repository', 'ref', 'environment', 'groups', 'email', 'sub');
const value = fc.constantFrom('acme/platform', 'refs/heads/main', 'production', 'ops', 'a@acme.example', '');
const claim = fc.oneof(value, fc.array(value, { maxLength: 4 }), fc.boolean(), fc.integer(), fc.constant(null));
const claims = fc.dictionary(name, claim);
const matchers = fc.dictionary(name, value.filter((v) => v !== ''), { minKeys: 1 });

describe('claims matching', () => {
  it('all matchers hold exactly when each holds on its own', () => {
    fc.assert(fc.property(matchers, claims, (m, c) => {
      expect(claimsMatch(m, c)).toBe(Object.entries(m).every(([k, v]) => claimsMatch({ [k]: v }, c)));
    }));
  });

  it('a matcher on a claim the token lacks never holds', () => {
    fc.assert(fc.property(matchers, claims, (m, c) => {
      const without = Object.fromEntries(Object.entries(c).filter(([k]) => !(k in m)));
      expect(claimsMatch(m, without)).toBe(false);
    }));
  });

  it('a list claim matches a value exactly when one of its items is that value', () => {
    fc.assert(fc.property(name, value.filter((v) => v !== ''), fc.array(value, { maxLength: 5 }), (k, v, items) => {
      expect(claimsMatch({ [k]: v }, { [k]: items })).toBe(items.includes(v));
    }));
  });

  it('no identity matches claims from another issuer', () => {
    fc.assert(fc.property(matchers, claims, fc.webUrl(), fc.webUrl(), (m, c, issuer, other) => {
      fc.pre(issuer !== other);
      expect(identityMatches({ issuer, claims: m }, { ...c, iss: other })).toBe(false);
    }));
  });
});
