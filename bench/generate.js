// The benchmark's ledger generator: a signed, chained, policy-conforming ledger of any length,
// streamed to disk (the events mix artifacts, verification runs, verdicts and blockers, about 890
// bytes each). Used by run.js and scale.js.
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { seal, serialize } from '../dist/ledger/chain.js';
import { signerFromPem } from '../dist/ledger/keys.js';
import { loadDefinition } from '../dist/program/load.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'examples', 'memorykernel-service-v3');
const hex = (text, chars = 64) => createHash('sha256').update(text).digest('hex').slice(0, chars);
const log = (text) => process.stderr.write(`  … ${text}\n`);

const ROLE_OF_PARTY = { memorykernel: 'memorykernel-release-owner', assistsupport: 'assistsupport-runtime-owner' };
const ANY_ROLE = [
  'integration-program-owner',
  'memorykernel-release-owner',
  'assistsupport-runtime-owner',
  'memorykernel-incident-commander',
  'assistsupport-incident-commander',
];

/** Write a ledger of `total` events (and the example's cutover.yaml) into `dir`. */
export async function generate(dir, total) {
  copyFileSync(join(EXAMPLE, 'cutover.yaml'), join(dir, 'cutover.yaml'));
  const loaded = await loadDefinition(join(dir, 'cutover.yaml'));
  const { definition, digest } = loaded;
  // Newer builds also record the digest of the cutover.yaml bytes in program.defined (`data.file`).
  const definedData = loaded.fileDigest === undefined ? { definition, digest } : { definition, digest, file: loaded.fileDigest };
  const program = definition.program.id;
  const signers = Object.fromEntries(
    definition.roles.map((role) => [role.id, signerFromPem(readFileSync(join(EXAMPLE, 'demo-keys', `${role.id}.pem`), 'utf8'))]),
  );
  const target = { tag: 'v3.0.0', sha: hex('memorykernel v3.0.0', 40) };

  mkdirSync(join(dir, '.cutover'), { recursive: true });
  const file = join(dir, '.cutover', 'ledger.jsonl');
  const fd = openSync(file, 'w', 0o644);
  const start0 = Date.parse('2026-02-02T09:00:00.000Z');
  const openBlockers = [];
  const counts = {};
  let prev = null;
  let buffer = [];
  let bytes = 0;

  const draftAt = (seq) => {
    if (seq === 1) return { type: 'program.defined', actor: 'integration-program-owner', data: definedData };
    if (seq === 2) {
      return {
        type: 'target.published',
        actor: 'memorykernel-release-owner',
        data: { as: 'candidate', target: { ...target, contracts: { service: 'service.v3' } }, verification: { annotated: true, tagObject: hex('tag v3.0.0').slice(0, 40) } },
      };
    }
    const party = seq % 2 === 0 ? 'memorykernel' : 'assistsupport';
    // About 1 blocker raised per 250 events, each resolved ~100 events later; 1 verdict per 50.
    if (seq % 250 === 0) {
      const id = `B-${seq / 250}`;
      openBlockers.push(id);
      return {
        type: 'blocker.raised',
        actor: ANY_ROLE[(seq / 250) % ANY_ROLE.length],
        data: { id, text: `flaky verification run seen at seq ${seq}`, owner: 'integration-program-owner', due: '2026-03-01' },
      };
    }
    if (seq % 250 === 100 && openBlockers.length > 0) {
      const id = openBlockers.shift();
      return { type: 'blocker.resolved', actor: ANY_ROLE[(seq + 1) % ANY_ROLE.length], data: { id, note: `${id} re-ran green` } };
    }
    if (seq % 50 === 25) {
      return {
        type: 'verdict.cast',
        actor: ROLE_OF_PARTY[party],
        data: { decision: 'rehearsal-continuation', party, verdict: 'GO', target: { ...target } },
      };
    }
    // Three artifacts to one verification run (a run record is the larger line).
    if (seq % 4 === 0) {
      const stream = (name) => ({ sha256: `sha256:${hex(`${name} ${seq}`)}`, bytes: 2048, tail: [`${name}: 42 passed`] });
      const command = { id: 'contract-tests', run: 'sh ci/contract-tests.sh', exitCode: 0, signal: null, timedOut: false, durationMs: 1234, stdout: stream('stdout'), stderr: stream('stderr'), passed: true };
      return {
        type: 'evidence.added',
        actor: ROLE_OF_PARTY[party],
        data: {
          kind: 'verification-run',
          party,
          target: { ...target },
          result: 'pass',
          summary: `run ${seq}`,
          run: { suite: 'contract', host: 'ci-runner-1', head: target.sha, startedAt: new Date(start0 + seq * 1000).toISOString(), durationMs: 1234, passed: true, commands: [command], skipped: [] },
        },
      };
    }
    return {
      type: 'evidence.added',
      actor: ROLE_OF_PARTY[party],
      data: { kind: 'artifact', party, target: { ...target }, result: 'pass', summary: `run ${seq} log`, file: `evidence/run-${seq}.log`, sha256: `sha256:${hex(`run ${seq}`)}`, bytes: 4096 },
    };
  };

  const flush = () => {
    if (buffer.length === 0) return;
    const chunk = buffer.join('');
    bytes += Buffer.byteLength(chunk);
    writeSync(fd, chunk);
    buffer = [];
  };

  const started = performance.now();
  try {
    for (let seq = 1; seq <= total; seq++) {
      const draft = draftAt(seq);
      const at = new Date(start0 + (seq - 1) * 1000).toISOString();
      const event = seal(draft, { program, seq, at, prev }, signers[draft.actor]);
      prev = event.hash;
      counts[draft.type] = (counts[draft.type] ?? 0) + 1;
      buffer.push(serialize(event) + '\n');
      if (buffer.length >= 2000) flush();
      if (seq % 20_000 === 0 && seq < total) log(`generated ${seq} events`);
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { ms: performance.now() - started, bytes, counts, file };
}

