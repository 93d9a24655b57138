/** The built binary on temporary program folders: exit codes, messages, and an unchanged ledger. */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { StatusReport } from '../../src/app/status-schema.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { signerFromPem } from '../../src/ledger/keys.js';
import { as, BIN, copyOfExample, cutover, demoKey, EXAMPLE, ledgerOf, overWide, tempDir } from '../support/cli.js';
import { gitFixture } from '../support/git.js';

const LATER = '2026-02-09T09:00:00Z';
const PRODUCER = 'memorykernel-release-owner';
const LOG_OWNER = 'integration-program-owner';

describe('status and gate on the example', () => {
  it('status --json is the versioned contract, showing the seed state', () => {
    const run = cutover(['-C', EXAMPLE, 'status', '--json']);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(TypeCompiler.Compile(StatusReport).Check(status)).toBe(true);
    expect(status.version).toBe(1);
    expect(status.program.id).toBe('memorykernel-service-v3');
    expect(status.seq).toBe(7);
    expect(status.decisions.map((d: { id: string; outcome: string }) => [d.id, d.outcome])).toEqual([
      ['rehearsal-continuation', 'GO'],
      ['runtime-cutover', 'NO-GO'],
    ]);
    expect(status.decisions[1].verdicts.memorykernel).toMatchObject({ verdict: 'NO-GO', role: PRODUCER });
    expect(status.blockers.map((b: { gate: string }) => b.gate)).toEqual(['target-published', 'bilateral-go', 'runtime-evidence', 'rollback-evidence']);
    expect(status.blockers[2].missing).toEqual(['producer runtime handoff payload', 'consumer atomic repin evidence against the same runtime target']);
    expect(status.phases.slice(0, 2)).toEqual([
      { id: '7', title: 'Decision checkpoint', status: 'closed', reason: 'decision recorded', canCompleteAt: null },
      { id: '8', title: 'Runtime cutover', status: 'not-started', reason: 'blocked by explicit NO-GO', canCompleteAt: null },
    ]);
    expect(status.target).toBeNull();
    expect(status.window.status).toBe('not-approved');
  });

  it('gate runtime-cutover exits 1 and lists the four blockers; gate rehearsal-continuation exits 0', () => {
    const noGo = cutover(['-C', EXAMPLE, 'gate', 'runtime-cutover']);
    expect(noGo.code).toBe(1);
    expect(noGo.stdout).toContain('runtime-cutover: NO-GO — 4 blockers');
    for (const text of ['Immutable `service.v3`', 'Bilateral runtime GO/NO-GO', 'Runtime-target evidence bundle', 'Bilateral rollback execution']) {
      expect(noGo.stdout).toContain(text);
    }
    expect(cutover(['-C', EXAMPLE, 'gate', 'rehearsal-continuation']).code).toBe(0);
    const json = cutover(['-C', EXAMPLE, 'gate', 'runtime-cutover', '--json']);
    expect(json.code).toBe(1);
    const gate = JSON.parse(json.stdout);
    expect(gate.decision).toMatchObject({ id: 'runtime-cutover', outcome: 'NO-GO' });
    expect(gate.blockers.map((b: { gate: string }) => b.gate)).toEqual(['target-published', 'bilateral-go', 'runtime-evidence', 'rollback-evidence']);
    expect(gate.blockers[1].waitingOn).toEqual(['memorykernel', 'assistsupport']);
    const github = cutover(['-C', EXAMPLE, 'gate', 'runtime-cutover', '--format', 'github']);
    expect(github.code).toBe(1);
    expect(github.stdout.match(/^::error file=.*cutover\.yaml,title=runtime-cutover NO-GO%3A [a-z-]+::/gm)).toHaveLength(4);
    expect(cutover(['-C', EXAMPLE, 'gate', 'nope']).code).toBe(2);
  });

  it('a phase whose entry gates fail cannot start: exit 1, the blockers listed, nothing written', () => {
    const dir = copyOfExample();
    const before = ledgerOf(dir);
    const run = cutover(['-C', dir, 'phase', 'start', '8', ...as(LOG_OWNER, LATER)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Phase 8 (Runtime cutover) cannot start: 4 entry gates unmet');
    expect(run.stderr).toContain('→ cutover target publish');
    expect(ledgerOf(dir)).toBe(before);
  });

  it('a reader that closes the pipe early ends nothing badly: no stack trace, the command keeps its exit code', () => {
    const run = spawnSync('bash', ['-c', `node ${BIN} -C ${EXAMPLE} gate runtime-cutover | true; echo "exit \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(run.stderr).not.toContain('EPIPE');
    expect(run.stderr.trim()).toBe('exit 1');
  });

  it('log shows every event in order', () => {
    const run = cutover(['-C', EXAMPLE, 'log']);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(7);
    expect(run.stdout).toContain('phase.closed  Phase 7: decision recorded');
  });
});

describe('verify', () => {
  it('passes on the example', () => {
    const run = cutover(['-C', EXAMPLE, 'verify']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok: 7 events');
  });

  it('editing any byte of the example ledger is exit 3 naming the line', () => {
    const dir = copyOfExample();
    const file = join(dir, '.cutover/ledger.jsonl');
    const original = readFileSync(file);
    const lineStarts = [0, ...[...original.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1)];
    // One byte in the middle of each line, and the last byte of the file.
    const positions = [...lineStarts.slice(0, -1).map((start, i) => Math.floor((start + lineStarts[i + 1]!) / 2)), original.length - 1];
    for (const position of positions) {
      const tampered = Buffer.from(original);
      tampered[position] = tampered[position] === 0x41 ? 0x42 : 0x41;
      writeFileSync(file, tampered);
      const run = cutover(['-C', dir, 'verify']);
      const line = lineStarts.filter((s) => s <= position).length;
      expect(run.code, `byte ${position}`).toBe(3);
      expect(run.stderr, `byte ${position}`).toContain(`ledger.jsonl:${line}:`);
    }
  });

  it('a torn last line never hides the events before it: reads warn, verify and writes exit 3, the ledger is left as it was', () => {
    const dir = copyOfExample();
    const complete = ledgerOf(dir);
    appendFileSync(join(dir, '.cutover/ledger.jsonl'), '{"actor":"integration-pro');
    const before = ledgerOf(dir);
    const status = cutover(['-C', dir, 'status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).seq).toBe(7);
    expect(status.stderr).toContain('ledger.jsonl:8: torn: the last line is incomplete');
    expect(status.stderr).toContain('the 7 events before it verify');
    const verify = cutover(['-C', dir, 'verify']);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toContain(`truncate -s ${Buffer.byteLength(complete)} `);
    const write = cutover(['-C', dir, 'phase', 'start', '8', ...as(LOG_OWNER, LATER)]);
    expect(write.code).toBe(3);
    expect(ledgerOf(dir)).toBe(before);
  });
});

describe('bad input: exit 2, a message naming what is wrong, nothing written', () => {
  it('bad YAML names the file and line', () => {
    const dir = copyOfExample();
    const before = ledgerOf(dir);
    writeFileSync(join(dir, 'cutover.yaml'), 'version: 1\nprogram:\n  id: x\n   title: [oops\n');
    const run = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, LATER)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cutover\.yaml:\d+: expected valid YAML/);
    expect(ledgerOf(dir)).toBe(before);
  });

  it('a schema or reference error names the file, line, field, expected and found', () => {
    const dir = copyOfExample();
    const yaml = readFileSync(join(dir, 'cutover.yaml'), 'utf8').replace('    owner: memorykernel-release-owner\n', '    owner: release-ownr\n').replace('kind: consumer', 'kind: customer');
    writeFileSync(join(dir, 'cutover.yaml'), yaml);
    const run = cutover(['-C', dir, 'status']);
    expect(run.code).toBe(2);
    const kindLine = yaml.split('\n').findIndex((l) => l.includes('kind: customer')) + 1;
    expect(run.stderr).toContain(`cutover.yaml:${kindLine}: field parties[1].kind:`);
    expect(run.stderr).toContain('found "customer"');
  });

  it('an unknown role is named, with the roles that exist', () => {
    const dir = copyOfExample();
    const before = ledgerOf(dir);
    const run = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--as', 'ghost', '--key', demoKey(PRODUCER), '--at', LATER]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ghost');
    expect(run.stderr).toContain(PRODUCER);
    expect(ledgerOf(dir)).toBe(before);
  });

  it("another role's key is refused, naming whose key it is", () => {
    const dir = copyOfExample();
    const before = ledgerOf(dir);
    const run = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--as', PRODUCER, '--key', demoKey('assistsupport-runtime-owner'), '--at', LATER]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`is not a key of role "${PRODUCER}" (it belongs to assistsupport-runtime-owner)`);
    expect(ledgerOf(dir)).toBe(before);
  });

  it('a missing key names all three places looked in; the environment variable works', () => {
    const dir = copyOfExample();
    const home = tempDir();
    const run = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--as', PRODUCER, '--at', LATER], { env: { HOME: home } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--key <file>');
    expect(run.stderr).toContain('CUTOVER_KEY_MEMORYKERNEL_RELEASE_OWNER');
    expect(run.stderr).toContain(join(home, '.config/cutover/keys/memorykernel-service-v3/memorykernel-release-owner.pem'));
    const withEnv = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--as', PRODUCER, '--at', LATER], {
      env: { HOME: home, CUTOVER_KEY_MEMORYKERNEL_RELEASE_OWNER: readFileSync(demoKey(PRODUCER), 'utf8') },
    });
    expect(withEnv.code).toBe(0);
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  });

  it('--at before the last event, or without a zone, is refused', () => {
    const dir = copyOfExample();
    const before = ledgerOf(dir);
    const early = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, '2026-02-01T00:00:00Z')]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('is earlier than the previous event (seq 7');
    const zoneless = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, '2026-02-09T09:00:00')]);
    expect(zoneless.code).toBe(2);
    expect(zoneless.stderr).toContain('--at: expected an ISO 8601 time with a zone');
    expect(ledgerOf(dir)).toBe(before);
  });

  it('times given in another zone are stored in UTC', () => {
    const dir = copyOfExample();
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, '2026-02-09T10:00:00+01:00')]).code).toBe(0);
    expect(ledgerOf(dir).trimEnd().split('\n').at(-1)).toContain('"at":"2026-02-09T09:00:00.000Z"');
  });

  it('a stale head (someone appended while the command ran) is decided again on the new state: a blocker without --id takes the next number', async () => {
    const dir = copyOfExample();
    const file = join(dir, '.cutover/ledger.jsonl');
    // Hold the ledger's lock, so the command decides on the current head and then waits to append.
    writeFileSync(`${file}.lock`, `${process.pid}@${(await import('node:os')).hostname()}`);
    // A blocker without --id is numbered from the state: on the new head it is the same decision with the next number.
    const child = spawn(process.execPath, [BIN, '-C', dir, 'blocker', 'raise', '--text', 'waiting', '--owner', PRODUCER, '--due', '2026-03-01', ...as(PRODUCER, LATER)], { env: { PATH: process.env.PATH ?? '' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    // Generous: the command must have read the ledger before the other writer appends (it waits up to 10 s for the lock).
    await sleep(3000);
    // Meanwhile, another writer appends a valid event.
    const last = JSON.parse(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!);
    const other = seal(
      { type: 'blocker.raised', actor: LOG_OWNER, data: { id: 'B-1', text: 'late review', owner: LOG_OWNER, due: '2026-03-01' } },
      { program: 'memorykernel-service-v3', seq: last.seq + 1, at: '2026-02-09T08:00:00.000Z', prev: last.hash },
      signerFromPem(readFileSync(demoKey(LOG_OWNER), 'utf8')),
    );
    appendFileSync(file, serialize(other) + '\n');
    const after = readFileSync(file, 'utf8');
    (await import('node:fs')).unlinkSync(`${file}.lock`);
    expect(await exited, stderr).toBe(0);
    const lines = readFileSync(file, 'utf8');
    expect(lines.startsWith(after)).toBe(true);
    const added = lines.slice(after.length).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(added.map((e) => [e.type, e.data.id, e.data.text])).toEqual([['blocker.raised', 'B-2', 'waiting']]);
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  });
});

describe('the definition is anchored in the ledger', () => {
  it('an unrecorded edit of cutover.yaml is reported by every command and blocks decisions until amended', () => {
    const dir = copyOfExample();
    const yamlFile = join(dir, 'cutover.yaml');
    writeFileSync(yamlFile, readFileSync(yamlFile, 'utf8').replace('title: Integration Program Owner', 'title: Integration Programme Owner'));
    const before = ledgerOf(dir);
    // Said once per command, with what changed: status in its body (stdout) only.
    const change = 'roles[id=integration-program-owner].title: "Integration Program Owner" → "Integration Programme Owner"';
    const status = cutover(['-C', dir, 'status']);
    expect(status.code).toBe(0);
    expect(status.stderr).toBe('');
    expect(status.stdout.match(/differs from the definition in force \(seq 1\)/g)).toHaveLength(1);
    expect(status.stdout.replace(/\s+/g, ' ')).toContain(` what changed: ${change} `);
    expect(overWide(status.stdout)).toEqual([]);
    const json = cutover(['-C', dir, 'status', '--json']);
    expect(json.stderr.match(/differs from the definition in force/g)).toHaveLength(1);
    expect(json.stderr).toContain(`what changed:\n  ${change}\n`);
    expect(cutover(['-C', dir, 'verify']).code).toBe(2);
    const refused = cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, LATER)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('nothing can be decided until the change is recorded');
    expect(refused.stderr.match(/differs from the (program )?definition in force/g)).toHaveLength(1);
    expect(refused.stderr).toContain(`what changed in cutover.yaml:\n  ${change}\n`);
    expect(ledgerOf(dir)).toBe(before);
    expect(cutover(['-C', dir, 'program', 'amend', '--reason', 'spelling', ...as(PRODUCER, LATER)]).code).toBe(2); // not the log owner
    expect(cutover(['-C', dir, 'program', 'amend', '--reason', 'spelling', ...as(LOG_OWNER, LATER)]).code).toBe(0);
    const after = cutover(['-C', dir, 'status', '--json']);
    expect(after.stderr).toBe('');
    expect(JSON.parse(after.stdout).definition).toMatchObject({ seq: 8, fileMatches: true });
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, '2026-02-09T10:00:00Z')]).code).toBe(0);
  });
});

describe('from init to a defined program', () => {
  it('init, keys generate for every role, define, status', () => {
    const home = tempDir();
    const dir = gitFixture().dir;
    const env = { HOME: home };
    expect(cutover(['-C', dir, 'init', '--producer', 'Ledgerly', '--consumer', 'Shopfront', '--contract', 'api.v2'], { env }).code).toBe(0);
    expect(cutover(['-C', dir, 'init'], { env }).code).toBe(2); // never overwrites
    let yaml = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
    const roles = [...yaml.matchAll(/^ {2}- id: (\S+)\n {4}title: .*\n {4}party:/gm)].map((m) => m[1]!);
    expect(roles).toEqual(['ledgerly-incident-commander', 'shopfront-incident-commander', 'ledgerly-release-owner', 'shopfront-runtime-owner', 'integration-program-owner']);
    for (const role of roles) {
      const run = cutover(['-C', dir, 'keys', 'generate', '--role', role], { env });
      expect(run.code).toBe(0);
      const keyFile = join(home, '.config/cutover/keys/ledgerly-api-v2', `${role}.pem`);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      yaml = yaml.replace(new RegExp(`(- id: ${role}\\n(?:    .*\\n)*?)    keys: \\[\\]`), `$1    keys: [${run.stdout.trim()}]`);
    }
    expect(cutover(['-C', dir, 'keys', 'generate', '--role', roles[0]!], { env }).code).toBe(2); // never overwrites a key
    writeFileSync(join(dir, 'cutover.yaml'), yaml);
    expect(cutover(['-C', dir, 'status'], { env }).code).toBe(2); // nothing defined yet
    expect(cutover(['-C', dir, 'program', 'define', '--as', LOG_OWNER], { env }).code).toBe(0);
    const status = JSON.parse(cutover(['-C', dir, 'status', '--json'], { env }).stdout);
    expect(status.program.id).toBe('ledgerly-api-v2');
    expect(status.nextPhase).toBe('7');
    expect(status.blockers).toEqual([]);
  });

  it('keys generate refuses to write a private key inside the repository', () => {
    const dir = gitFixture().dir;
    expect(cutover(['-C', dir, 'init']).code).toBe(0);
    const run = cutover(['-C', dir, 'keys', 'generate', '--role', LOG_OWNER, '--out', join(dir, 'keys/owner.pem')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('a path outside the repository');
  });
});
