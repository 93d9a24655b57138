/**
 * The precompiled shape checks are compiled from a schema equivalent to events.ts's that checks
 * faster (scripts/precompile-checks.js): fixed-length patterns as a length and a `*` loop, and the
 * shapes of a union tried by their constant member first. They must accept exactly what TypeBox,
 * compiling the schemas as written, accepts: here on the strings those patterns check, made to
 * miss by one character, one length or one prefix, and on evidence of every kind, edited at random.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventData, LedgerLine } from '../../src/domain/events.js';
import { isEventDataShape, isLedgerLineShape } from '../../src/ledger/shape-checks.js';
import { exampleLines } from '../support/server.js';
import { editMember } from '../support/json-edit.js';

const line = TypeCompiler.Compile(LedgerLine);
const evidence = TypeCompiler.Compile(EventData['evidence.added']);

const HEX = 'a1'.repeat(20);
const DIGEST = `sha256:${'0f'.repeat(32)}`;
const target = { tag: 'v3.0.0', sha: HEX };
const stream = { sha256: DIGEST, bytes: 10, tail: ['ok'] };
const run = {
  suite: 'contract',
  host: 'ci-runner',
  head: HEX,
  startedAt: '2026-02-09T00:00:00.000Z',
  durationMs: 1200,
  passed: true,
  commands: [{ id: 'contract-tests', run: 'sh ci/contract-tests.sh', exitCode: 0, signal: null, timedOut: false, durationMs: 1200, stdout: stream, stderr: stream, passed: true }],
  skipped: [],
};
const common = { party: 'assistsupport', target, result: 'pass', summary: 'recorded' };

/** One piece of evidence of each kind, every optional member given. */
const KINDS: readonly Record<string, unknown>[] = [
  { ...common, kind: 'handoff-payload', file: 'handoff.json', sha256: DIGEST, payloadVersion: 1 },
  { ...common, kind: 'repin', commit: HEX, files: [{ path: 'pins.json', blob: HEX }], sameAsProducer: [{ path: 'pins.json', producerPath: 'manifest.json', blob: HEX }] },
  { ...common, kind: 'verification-run', run, checkout: { commit: HEX, pins: [{ path: 'pins.json', blob: HEX }] } },
  { ...common, kind: 'rollback-drill', rollbackTarget: target, run, verdict: 'READY' },
  { ...common, kind: 'rollback-execution', rollbackTarget: target, run, verdict: 'PASS' },
  { ...common, kind: 'artifact', file: 'evidence/run.log', sha256: DIGEST, bytes: 4096 },
  {
    ...common,
    kind: 'metric-analysis',
    prometheus: 'http://prometheus:9090',
    query: 'rate(errors[5m])',
    success: 'result < 0.01',
    interval: '1m',
    count: 3,
    failureLimit: 0,
    verdict: 'pass',
    samples: { file: 'evidence/samples.json', sha256: DIGEST, bytes: 120 },
    observed: { samples: 3, startedAt: '2026-02-09T00:00:00.000Z', endedAt: '2026-02-09T00:02:00.000Z', spanSeconds: 120, minimum: 0, maximum: 0, failed: 0, inconclusive: 0, failing: [], firstProblem: null },
  },
];

// Strings near each fixed-length pattern: its prefix or another, a body of its class a character
// short, long or exact, now and then with one character outside the class, its suffix or another.
const HEX_CHARS = '0123456789abcdef'.split('');
const KEY_CHARS = 'ABCXYZabcxyz0189+/'.split('');
const PATTERNS = [
  { prefix: 'sha256:', chars: HEX_CHARS, times: 64, suffix: '' },
  { prefix: '', chars: HEX_CHARS, times: 40, suffix: '' },
  { prefix: 'ed25519:', chars: KEY_CHARS, times: 43, suffix: '=' },
];
const nearExact = fc.constantFrom(...PATTERNS).chain(({ prefix, chars, times, suffix }) =>
  fc
    .tuple(
      fc.constantFrom(prefix, '', 'sha256:', 'ed25519:', `${prefix}${prefix}`, prefix.toUpperCase(), prefix.slice(1)),
      fc.array(fc.constantFrom(...chars), { minLength: times - 2, maxLength: times + 2 }),
      fc.option(fc.tuple(fc.nat(), fc.constantFrom('g', 'G', 'A', '=', '-', ':', ' ', '\n', 'é')), { nil: undefined }),
      fc.constantFrom(suffix, '', '=', '==', 'a', '\n'),
    )
    .map(([p, body, wrong, x]) => {
      const chosen = [...body];
      if (wrong !== undefined && chosen.length > 0) chosen[wrong[0] % chosen.length] = wrong[1];
      return p + chosen.join('') + x;
    }),
);

const edit = editMember;

describe('shape checks compiled from the faster schema', () => {
  it('take the evidence of every kind as TypeBox does', () => {
    for (const data of KINDS) {
      expect(evidence.Check(data), String(data['kind'])).toBe(true);
      expect(isEventDataShape('evidence.added', data), String(data['kind'])).toBe(true);
    }
  });

  it('accept exactly the hashes, digests, commits and keys TypeBox accepts', () => {
    const events = exampleLines().map((l) => JSON.parse(l) as Record<string, unknown> & { sig: object });
    fc.assert(
      fc.property(fc.nat(events.length - 1), fc.constantFrom('prev', 'hash', 'sig.key'), nearExact, (i, member, text) => {
        const event = events[i]!;
        const edited = member === 'sig.key' ? { ...event, sig: { ...event.sig, key: text } } : { ...event, [member]: text };
        expect(isLedgerLineShape(edited)).toBe(line.Check(edited));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.nat(KINDS.length - 1), fc.constantFrom('target.sha', 'sha256', 'commit', 'run.head', 'run.stdout'), nearExact, (k, member, text) => {
        const data = KINDS[k]!;
        const edited =
          member === 'target.sha'
            ? { ...data, target: { ...target, sha: text } }
            : member === 'run.head'
              ? { ...data, run: { ...run, head: text } }
              : member === 'run.stdout'
                ? { ...data, run: { ...run, commands: [{ ...run.commands[0]!, stdout: { ...stream, sha256: text } }] } }
                : { ...data, [member]: text };
        expect(isEventDataShape('evidence.added', edited)).toBe(evidence.Check(edited));
      }),
      { numRuns: 3000 },
    );
  });

  it('accept exactly the evidence TypeBox accepts, of any kind, edited at random (its kind too)', () => {
    const kinds = KINDS.map((k) => k['kind'] as string);
    const replacement = fc.oneof(fc.jsonValue(), fc.constantFrom(...kinds), nearExact);
    fc.assert(
      fc.property(fc.nat(KINDS.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), replacement, fc.boolean(), fc.option(fc.constantFrom(...kinds), { nil: undefined }), (k, path, value, remove, kind) => {
        const start = kind === undefined ? KINDS[k]! : { ...KINDS[k]!, kind };
        const edited = edit(start, path, value, remove);
        expect(isEventDataShape('evidence.added', edited)).toBe(evidence.Check(edited));
      }),
      { numRuns: 5000 },
    );
  });
});
