/**
 * Two repositories, one truth: the producer's and the consumer's repositories each keep a copy of
 * the ledger and their own records; sync keeps the copies equal, and every disagreement is caught.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, cutover, EXAMPLE, ledgerOf, tempDir, clockAfterExample } from '../support/cli.js';
import { gitFixture, type GitFixture } from '../support/git.js';

const PRODUCER = 'memorykernel-release-owner';
const CONSUMER = 'assistsupport-runtime-owner';
let next = clockAfterExample();

interface Side {
  readonly repo: GitFixture;
  /** The program folder inside the repository. */
  readonly program: string;
  readonly party: string;
}

/** A party's repository holding a copy of the example program in cutover/, with its records rendered and committed. */
function side(party: string): Side {
  const repo = gitFixture();
  const program = join(repo.dir, 'cutover');
  cpSync(EXAMPLE, program, { recursive: true });
  const s = { repo, program, party };
  expect(cutover(['-C', program, 'render', '--all', '--party', party]).code).toBe(0);
  repo.commit({}, 'records');
  return s;
}

const verdict = (s: Side, role: string, note: string) => cutover(['-C', s.program, 'verdict', 'runtime-cutover', 'NO-GO', '--note', note, ...as(role, next())]);
const headOf = (s: Side) => JSON.parse(ledgerOf(s.program).trimEnd().split('\n').at(-1)!).hash as string;

describe('mirrors in two repositories', () => {
  it('render --all writes each party its records; both name the same head; render --check passes on both', () => {
    next = clockAfterExample();
    const producer = side('memorykernel');
    const consumer = side('assistsupport');
    const producerRecord = readFileSync(join(producer.repo.dir, 'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08.md'), 'utf8');
    const consumerRecord = readFileSync(join(consumer.repo.dir, 'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_2026-02-08.md'), 'utf8');
    const ledgerLine = (text: string) => text.split('\n').find((l) => l.startsWith('Ledger: '));
    expect(ledgerLine(producerRecord)).toBe(ledgerLine(consumerRecord));
    expect(ledgerLine(producerRecord)).toContain(headOf(producer));
    expect(consumerRecord).toContain('  - MemoryKernel: `docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08.md`');
    expect(consumerRecord).not.toMatch(/\/Users\/|\/home\/|\/tmp\//);
    for (const s of [producer, consumer]) {
      const check = cutover(['-C', s.program, 'render', '--check', '--party', s.party]);
      expect(check.code, check.stdout).toBe(0);
      expect(check.stdout.match(/up to date with seq 7/g)!.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('events appended on both sides in turn are synced; a stale committed record is caught with a diff', () => {
    next = clockAfterExample();
    const producer = side('memorykernel');
    const consumer = side('assistsupport');
    expect(verdict(producer, PRODUCER, 'producer still waits for the tag').code).toBe(0);

    const behind = cutover(['-C', consumer.program, 'verify', '--against', producer.program]);
    expect(behind.code).toBe(1);
    expect(behind.stdout).toContain('behind by 1');
    expect(cutover(['-C', producer.program, 'verify', '--against', consumer.program]).stdout).toContain('ahead by 1');
    const synced = cutover(['-C', consumer.program, 'sync', '--from', producer.program]);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain('fast-forwarded 1 event (seq 8–8)');

    // The consumer's committed records now lag behind its ledger.
    const stale = cutover(['-C', consumer.program, 'render', '--check', '--party', 'assistsupport', '--format', 'github']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('differs from what the ledger renders now (seq 8)');
    expect(stale.stdout).toMatch(/^-Ledger: .* seq 7, /m);
    expect(stale.stdout).toMatch(/^\+Ledger: .* seq 8, /m);
    expect(stale.stdout).toMatch(/^::error file=.*RUNTIME_CUTOVER_DECISION_RECORD_2026-02-08\.md::/m);

    expect(verdict(consumer, CONSUMER, 'consumer agrees').code).toBe(0);
    expect(cutover(['-C', producer.program, 'sync', '--from', consumer.program]).code).toBe(0);
    expect(headOf(producer)).toBe(headOf(consumer));
    expect(cutover(['-C', producer.program, 'verify', '--against', consumer.program]).stdout).toContain('same: both copies hold the same 9 events');

    // A bundle travels the same way.
    const bundle = join(tempDir(), 'bundle.json');
    expect(verdict(producer, PRODUCER, 'one more').code).toBe(0);
    expect(cutover(['-C', producer.program, 'export', '--out', bundle]).code).toBe(0);
    expect(cutover(['-C', consumer.program, 'import-bundle', bundle]).code).toBe(0);
    expect(headOf(consumer)).toBe(headOf(producer));
  });

  it('a forged event on one side is caught by sync and verify --against, and nothing changes', () => {
    next = clockAfterExample();
    const producer = side('memorykernel');
    const consumer = side('assistsupport');
    expect(verdict(producer, PRODUCER, 'real note').code).toBe(0);
    // Someone with write access to the producer's repository rewrites the note and the hash.
    const file = join(producer.program, '.cutover/ledger.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    lines[7] = lines[7]!.replace('real note', 'forged note');
    writeFileSync(file, lines.join('\n') + '\n');
    const before = ledgerOf(consumer.program);

    const sync = cutover(['-C', consumer.program, 'sync', '--from', producer.program]);
    expect(sync.code).toBe(3);
    expect(sync.stderr).toMatch(/ledger\.jsonl:8: seq 8 edited/);
    const against = cutover(['-C', consumer.program, 'verify', '--against', producer.program]);
    expect(against.code).toBe(3);
    expect(ledgerOf(consumer.program)).toBe(before);
    // and the side that was tampered with cannot render or check anything either
    expect(cutover(['-C', producer.program, 'render', '--check', '--party', 'memorykernel']).code).toBe(3);
  });

  it('two concurrent appends on two sides fork the ledger: sync refuses, naming the seq, both events, their actors and times', () => {
    next = clockAfterExample();
    const producer = side('memorykernel');
    const consumer = side('assistsupport');
    expect(verdict(producer, PRODUCER, 'from the producer').code).toBe(0);
    expect(verdict(consumer, CONSUMER, 'from the consumer').code).toBe(0);
    const [p, c] = [ledgerOf(producer.program), ledgerOf(consumer.program)];
    const sync = cutover(['-C', consumer.program, 'sync', '--from', producer.program]);
    expect(sync.code).toBe(3);
    expect(sync.stderr).toContain('forked at seq 8: this copy has verdict.cast by assistsupport-runtime-owner at 2026-02-09T10:02:00.000Z; the other has verdict.cast by memorykernel-release-owner at 2026-02-09T10:01:00.000Z; nothing was changed');
    const against = cutover(['-C', producer.program, 'verify', '--against', consumer.program, '--json']);
    expect(against.code).toBe(3);
    expect(JSON.parse(against.stdout).against).toMatchObject({ relation: 'forked', seq: 8, ours: { actor: PRODUCER }, theirs: { actor: CONSUMER } });
    expect([ledgerOf(producer.program), ledgerOf(consumer.program)]).toEqual([p, c]);
  });
});

describe('templates a team can change without code', () => {
  it('a record may use its own template; a field the model does not have is an error naming file, line and field', () => {
    next = clockAfterExample();
    const producer = side('memorykernel');
    const yaml = join(producer.program, 'cutover.yaml');
    writeFileSync(join(producer.program, 'addendum.hbs'), '{{> header}}\n\n## Gates\n{{#each blockers}}\n- {{gate}}: {{text}} (waiting on {{#each waitingOn}}{{this}} {{/each}})\n{{/each}}\nNext: Phase {{nextPhase}}\n');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('    path: docs/implementation/JOINT_DECISION_STATUS_ADDENDUM_2026-02-08.md\n', '    path: docs/implementation/JOINT_DECISION_STATUS_ADDENDUM_2026-02-08.md\n    template: addendum.hbs\n'));
    expect(cutover(['-C', producer.program, 'program', 'amend', '--reason', 'own addendum template', ...as('integration-program-owner', next())]).code).toBe(0);
    const rendered = cutover(['-C', producer.program, 'render', '--record', 'producer-addendum']);
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toContain('- bilateral-go: Bilateral runtime GO/NO-GO record is not yet completed with a `GO` authorization. (waiting on MemoryKernel AssistSupport )');
    expect(rendered.stdout).toContain('Next: Phase 8');
    // Same ledger, same template: same bytes.
    expect(cutover(['-C', producer.program, 'render', '--record', 'producer-addendum']).stdout).toBe(rendered.stdout);

    writeFileSync(join(producer.program, 'addendum.hbs'), '{{> header}}\n\nNext: Phase {{nextPhas}}\n');
    const broken = cutover(['-C', producer.program, 'render', '--record', 'producer-addendum']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${join(producer.program, 'addendum.hbs')}:3: field nextPhas: expected a field of the record model`);
  });
});
