/**
 * Generated repositories for the audit, with real git: a producer (MemoryKernel) and a consumer
 * (AssistSupport) whose hand-kept records carry every error the audit must find, each at a known
 * file and line; and a clean repository full of ordinary hex that must give no finding at all.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitFixture, type GitFixture } from '../support/git.js';

export interface Planted {
  readonly kind: string;
  readonly repo: string;
  readonly file: string;
  readonly line: number;
  /** What the finding must mention. */
  readonly mentions: string;
}

/** The 1-based line of the first line of `text` containing `marker`. */
export function lineOf(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker not found: ${marker}`);
  return i + 1;
}

/**
 * Two commits on the current HEAD whose ids share their first 7 characters, found by hashing
 * candidate commit objects (a birthday search: some 20,000 tries), then written with hash-object
 * and kept reachable by two branches.
 */
export function plantCollidingCommits(repo: GitFixture): [string, string] {
  const tree = repo.rev('HEAD^{tree}');
  const parent = repo.rev('HEAD');
  const body = (i: number) =>
    `tree ${tree}\nparent ${parent}\nauthor Cutover Test <test@cutover.invalid> 1767225600 +0000\ncommitter Cutover Test <test@cutover.invalid> 1767225600 +0000\n\nexperiment ${i}\n`;
  const id = (text: string) => createHash('sha1').update(`commit ${Buffer.byteLength(text)}\0${text}`).digest('hex');
  const seen = new Map<string, number>();
  for (let i = 0; ; i++) {
    const prefix = id(body(i)).slice(0, 7);
    const earlier = seen.get(prefix);
    if (earlier === undefined) {
      seen.set(prefix, i);
      continue;
    }
    const ids = [earlier, i].map((n, k) => {
      const file = join(repo.root, `experiment-${k}`);
      writeFileSync(file, body(n));
      const written = repo.git('hash-object', '-t', 'commit', '-w', file);
      repo.git('branch', `experiment-${k}`, written);
      return written;
    });
    return ids as [string, string];
  }
}

const MIRROR = (o: { blockers: readonly string[]; phase7: string; paths: boolean }) => `# Runtime Cutover Decision Record (Producer Mirror)

Updated: 2026-02-08
Owner: MemoryKernel + AssistSupport (bilateral)

## Decision Scope
Mirror record for the joint runtime cutover decision state at the end of Phase 7.

## Decision Outcome
1. Rehearsal continuation: **GO**
2. Runtime cutover execution: **NO-GO**

## Runtime Cutover Window
- Status: **Not approved**

## Ownership (Named Roles)
- MemoryKernel incident commander role: MemoryKernel Producer On-Call Lead
- AssistSupport incident commander role: Support Platform On-Call Lead
- MemoryKernel rollback owner role: MemoryKernel Release Owner
- AssistSupport rollback owner role: AssistSupport Runtime Integrations Owner
- Joint decision log owner role: Integration Program Owner

## Decision Inputs
${o.paths ? `- Producer checkpoint packet:
  - \`/Users/d/Projects/MemoryKernel/docs/implementation/SERVICE_V3_CUTOVER_DECISION_CHECKPOINT_PRODUCER_2026-02-08.md\`
- Consumer checkpoint packet:
  - \`/Users/d/Projects/AssistSupport/docs/implementation/SERVICE_V3_CUTOVER_DECISION_CHECKPOINT_2026-02-08.md\`` : `- Producer checkpoint packet: MemoryKernel: docs/implementation/CHECKPOINT.md`}

## Remaining Blockers Before Phase 8 Start
${o.blockers.map((b, i) => `${i + 1}. ${b}`).join('\n')}

## Phase Status Mapping
- Phase 7: **${o.phase7}** (decision recorded)
- Phase 8: **Not Started** (blocked by explicit NO-GO)
`;

export const BLOCKERS = [
  'Immutable `service.v3` runtime release tag + SHA are not yet published and approved.',
  'Bilateral runtime GO/NO-GO record is not yet completed with a `GO` authorization.',
  'Runtime-target evidence bundle is not yet captured:',
  'Bilateral rollback execution evidence for the runtime switch window is not yet logged complete.',
];

export interface PlantedRepos {
  readonly producer: GitFixture;
  readonly consumer: GitFixture;
  readonly planted: readonly Planted[];
  /** Commit ids worth naming in assertions. */
  readonly shas: { readonly v290: string; readonly beforeV300: string; readonly v300: string; readonly colliding: readonly [string, string] };
}

const MIRROR_PATH = 'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER.md';
const CONSUMER_RECORD = 'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD.md';

export function plantedRepos(): PlantedRepos {
  const producer = gitFixture('MemoryKernel');
  const consumer = gitFixture('AssistSupport');
  const planted: Planted[] = [];
  const plant = (kind: string, repo: GitFixture, file: string, text: string, marker: string, mentions: string) =>
    planted.push({ kind, repo: repo === producer ? 'MemoryKernel' : 'AssistSupport', file, line: lineOf(text, marker), mentions });

  // The producer's history: v2.9.0, then service.v3, then a fix that v3.0.0 was cut from.
  producer.commit({ VERSION: 'service.v2\n' }, 'service.v2');
  producer.annotatedTag('v2.9.0');
  const v290 = producer.rev('HEAD');
  const beforeV300 = producer.commit({ VERSION: 'service.v3\n' }, 'service.v3');
  const v300 = producer.commit({ 'src/envelope.txt': 'error envelope\n' }, 'service.v3: error envelope on 503');
  producer.annotatedTag('v3.0.0');
  const colliding = plantCollidingCommits(producer);
  const shared = colliding[0].slice(0, 7);

  // A tag one commit after the SHA named with it; the mirror's blockers (four) and absolute paths.
  const release = `# Release notes\n\nUpdated: 2026-02-08\n\n- Runtime target: v3.0.0 at commit ${beforeV300}\n- Baseline: v2.9.0 at commit ${v290}\n- The envelope fix landed in commit ${shared}.\n- Reverted in commit 1234abc, see below.\n`;
  plant('tag-sha-pair', producer, 'docs/RELEASES.md', release, 'Runtime target', '1 commit after the SHA given');
  plant('short-sha', producer, 'docs/RELEASES.md', release, 'envelope fix', 'ambiguous');
  plant('short-sha', producer, 'docs/RELEASES.md', release, 'Reverted', 'matches no commit');
  const mirror = MIRROR({ blockers: BLOCKERS, phase7: 'Closed', paths: true });
  plant('absolute-path', producer, MIRROR_PATH, mirror, '/Users/d/Projects', '2 absolute machine paths');
  plant('mirror-disagreement', producer, MIRROR_PATH, mirror, 'Bilateral rollback execution', '4 blockers against 3');
  // A phase "Complete" in its closure record and "Active" in a later status file.
  const closure = `# Phase 7 Closure\n\nUpdated: 2026-02-09\n\n- Phase 7: **Complete** (decision recorded, closure signed)\n`;
  const status = `# Program status\n\nUpdated: 2026-02-10\n\n| phase | status |\n| --- | --- |\n| Phase 7 | Active |\n| Phase 8 | Not Started |\n`;
  plant('status-contradiction', producer, 'docs/STATUS.md', status, 'Phase 7', '"Complete" in docs/closure/PHASE_7_CLOSURE.md');
  producer.git('checkout', '-q', 'main');
  producer.commit({ 'docs/RELEASES.md': release, [MIRROR_PATH]: mirror, 'docs/closure/PHASE_7_CLOSURE.md': closure, 'docs/STATUS.md': status }, 'records');

  consumer.commit({ 'README.md': '# AssistSupport\n' }, 'AssistSupport');
  // The consumer pins v3.0.0 with the previous release's SHA; its table has a SHA with a right prefix and a wrong rest.
  const wrongRest = v300.slice(0, 12) + 'f'.repeat(28);
  const pin = JSON.stringify({ release_tag: 'v3.0.0', commit_sha: v290, expected_service_contract_version: 'service.v3' }, null, 2) + '\n';
  const table = `# Runtime pin\n\n| producer | tag | commit |\n| --- | --- | --- |\n| MemoryKernel | v3.0.0 | ${wrongRest} |\n`;
  const record = MIRROR({ blockers: BLOCKERS.slice(0, 3), phase7: 'Closed', paths: false }).replace('# Runtime Cutover Decision Record (Producer Mirror)', '# Runtime Cutover Decision Record');
  const notes = JSON.stringify({ notes: 'drill log', log: 'C:\\Users\\ops\\drill\\rollback.log' }, null, 2) + '\n';
  plant('tag-sha-pair', consumer, 'config/memorykernel-runtime-target.json', pin, '"commit_sha"', 'the SHA given is tagged v2.9.0, not v3.0.0');
  plant('unknown-sha', consumer, 'docs/RUNTIME_PIN.md', table, wrongRest, `did you mean ${v300} (service.v3: error envelope on 503)`);
  plant('absolute-path', consumer, 'ops/drill.json', notes, 'C:\\\\Users', '1 absolute machine path');
  consumer.commit({ 'config/memorykernel-runtime-target.json': pin, 'docs/RUNTIME_PIN.md': table, [CONSUMER_RECORD]: record, 'ops/drill.json': notes }, 'repin MemoryKernel to v3.0.0');

  return { producer, consumer, planted, shas: { v290, beforeV300, v300, colliding } };
}

/**
 * A repository whose records are all right, full of hex that is not a commit claim: file hashes,
 * UUIDs, colours, an id of another project's commit in a URL, words made of hex letters; and real
 * pairs, real short ids, mirrors that agree and phases that move forward.
 */
export function cleanRepo(): GitFixture {
  const repo = gitFixture('Clean');
  repo.commit({ VERSION: '1\n' }, 'one');
  repo.annotatedTag('v1.0.0');
  const v1 = repo.rev('HEAD');
  const two = repo.commit({ VERSION: '2\n' }, 'two');
  repo.tag('v1.1.0');
  const sha256 = createHash('sha256').update('x').digest('hex');
  const sha1 = createHash('sha1').update('x').digest('hex');
  const blob = repo.rev('HEAD:VERSION');
  const mirror = MIRROR({ blockers: BLOCKERS, phase7: 'Closed', paths: false });
  repo.commit(
    {
      'docs/RELEASES.md': `# Releases\n\nUpdated: 2026-02-08\n\n| tag | commit |\n| --- | --- |\n| v1.0.0 | ${v1} |\n| v1.1.0 | ${two.slice(0, 10)} |\n\nThe fix landed in commit ${two.slice(0, 7)}; VERSION is blob ${blob}.\nUpstream: https://github.com/other/lib/commit/${'3'.repeat(20)}${'c'.repeat(20)}\n`,
      'docs/ARTIFACTS.md': `# Artifacts\n\n| file | sha1 | sha256 |\n| --- | --- | --- |\n| drill.log | ${sha1} | ${sha256} |\n\n- checksum: ${sha1}\n- digest sha256:${sha256}\n- request id 3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f\n- a decade of facade work, accede, deface, 2026-02-08, build 20260208\n`,
      'web/theme.json': JSON.stringify({ primary: '#a1b2c3', accent: '#deadbe', overlay: '#1a2b3c4d', id: '0x7f3a9c1', uuid: '123e4567-e89b-12d3-a456-426614174000' }, null, 2) + '\n',
      'config/pin.yaml': `release_tag: v1.0.0\ncommit_sha: ${v1}\nmanifest_sha256: ${sha256}\n`,
      'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER.md': mirror,
      'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD.md': mirror.replace(' (Producer Mirror)', ''),
      'docs/STATUS.md': `# Status\n\nUpdated: 2026-02-10\n\n- Phase 7: **Complete**\n- Phase 8: **Active**\n`,
    },
    'records',
  );
  return repo;
}
