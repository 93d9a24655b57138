/**
 * cutover attest on the quick start's GO (examples/quickstart.sh): the envelope it writes is checked
 * by independent implementations (@sigstore/core's DSSE encoding and signature check; Debian's
 * python3 with securesystemslib over the PAE bytes built here from the DSSE spec; the in-toto schema
 * kept in schemas/), and each way an attestation can be wrong fails verify with its reason.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBundle, bundleFromJSON } from '@sigstore/bundle';
import { crypto as sigstoreCrypto, dsse as sigstoreDsse } from '@sigstore/core';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutover, ROOT, type Run } from '../support/cli.js';
import { serversPerTest } from '../support/server.js';

const PROGRAM = 'memorykernel-service-v3';
const PRODUCER_APPROVER = 'memorykernel-release-owner';
const CONSUMER_APPROVER = 'assistsupport-runtime-owner';

interface Envelope {
  payload: string;
  payloadType: string;
  signatures: { keyid: string; sig: string }[];
}

/** PAE from the DSSE spec (protocol.md), written here from the text, not from cutover's code. */
function pae(type: string, body: Buffer): Buffer {
  const t = Buffer.from(type);
  return Buffer.concat([Buffer.from('DSSEv1 ' + t.length + ' '), t, Buffer.from(' ' + body.length + ' '), body]);
}

const RAW_KEY_OFFSET = 12; // an Ed25519 SubjectPublicKeyInfo is a 12-byte DER prefix, then the 32-byte key

function rawPublicKey(key: KeyObject): Buffer {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' }).subarray(RAW_KEY_OFFSET);
}

let base: string;

/** A fresh copy of the quick start's folders (program, both repositories, keys); the copies go at the end. */
function world(): { root: string; program: string; env: Record<string, string>; run: (args: string[]) => Run; key: (role: string) => KeyObject } {
  const root = mkdtempSync(join(tmpdir(), 'cutover-attest-'));
  copies.push(root);
  cpSync(base, root, { recursive: true });
  const program = join(root, 'program');
  const env = { CUTOVER_HOME: join(root, 'home'), HOME: root };
  return {
    root,
    program,
    env,
    run: (args) => cutover(['-C', program, ...args], { cwd: program, env }),
    key: (role) => createPrivateKey(readFileSync(join(root, 'home/keys', PROGRAM, `${role}.pem`), 'utf8')),
  };
}
const copies: string[] = [];

beforeAll(() => {
  const tmp = mkdtempSync(join(tmpdir(), 'cutover-attest-qs-'));
  copies.push(tmp);
  const run = spawnSync('bash', [join(ROOT, 'examples/quickstart.sh')], {
    env: { PATH: process.env.PATH ?? '', HOME: tmp, TMPDIR: tmp, KEEP: '1', CUTOVER_BIN: join(ROOT, 'bin/cutover.js') },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  base = /^quickstart folder: (.*)$/m.exec(run.stdout)![1]!;
}, 600_000);

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

const readEnvelope = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Envelope;
const statementOf = (e: Envelope) => JSON.parse(Buffer.from(e.payload, 'base64').toString('utf8')) as Record<string, any>;

/** Sign a statement as `role` with its own key, the way any DSSE signer would (the test's own code). */
function handSigned(statement: unknown, key: KeyObject): Envelope {
  const payload = Buffer.from(JSON.stringify(statement));
  const keyid = sigstoreCrypto.digest('sha256', rawPublicKey(key)).toString('hex');
  return { payload: payload.toString('base64'), payloadType: 'application/vnd.in-toto+json', signatures: [{ keyid, sig: sign(null, pae('application/vnd.in-toto+json', payload), key).toString('base64') }] };
}

describe('attest: the quick start GO', () => {
  it('creates, co-signs and verifies; @sigstore/core, securesystemslib and the in-toto schema agree', () => {
    const w = world();
    const created = w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER, '--out', 'go.dsse.json', '--bundle', 'go.sigstore.json']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/^attested runtime-cutover: GO at seq 15 \(head sha256:[0-9a-f]{64}\), signed by memorykernel-release-owner; wrote go\.dsse\.json$/m);
    const signed = w.run(['attest', 'sign', 'go.dsse.json', '--as', CONSUMER_APPROVER, '--bundle', 'consumer.sigstore.json']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stderr).toContain('it carries 2 signatures');

    const verified = w.run(['attest', 'verify', 'go.dsse.json', '--require-parties']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^ok: runtime-cutover was GO at seq 15 \(head sha256:[0-9a-f]{64}\) and is still GO at seq 15$/m);
    expect(verified.stdout).toMatch(/^signed by: memorykernel-release-owner \(memorykernel, keyid [0-9a-f]{12}\), assistsupport-runtime-owner \(assistsupport, keyid [0-9a-f]{12}\)$/m);

    // The subjects are the target commit, its annotated tag object and the consumer's repin commit, as git has them.
    const envelope = readEnvelope(join(w.program, 'go.dsse.json'));
    const statement = statementOf(envelope);
    const git = (repo: string, ...args: string[]) => spawnSync('git', ['-C', join(w.root, repo), ...args], { encoding: 'utf8' }).stdout.trim();
    const targetCommit = git('MemoryKernel', 'rev-parse', 'v3.0.0^{commit}');
    expect(statement.subject).toEqual([
      { name: `memorykernel@${targetCommit}`, digest: { gitCommit: targetCommit } },
      { name: 'memorykernel@v3.0.0', digest: { gitTag: git('MemoryKernel', 'rev-parse', 'v3.0.0') } },
      { name: `assistsupport@${git('AssistSupport', 'rev-parse', 'HEAD')}`, digest: { gitCommit: git('AssistSupport', 'rev-parse', 'HEAD') } },
    ]);
    // A deploy job asks about its own commit: the consumer's repin is covered, the commit before it is not.
    const consumerHead = git('AssistSupport', 'rev-parse', 'HEAD');
    expect(w.run(['attest', 'verify', 'go.dsse.json', '--commit', consumerHead]).stdout).toContain(`commit ${consumerHead}: covered`);
    const before = git('AssistSupport', 'rev-parse', 'HEAD~1');
    const uncovered = w.run(['attest', 'verify', 'go.dsse.json', '--commit', before]);
    expect(uncovered.code).toBe(1);
    expect(uncovered.stdout).toContain(`commit ${before} is not among the subjects: the attested GO does not cover it`);
    expect(w.run(['attest', 'verify', 'go.dsse.json', '--commit', 'HEAD']).code).toBe(2);
    expect(statement.predicateType).toBe('https://in-toto.io/attestation/svr/v0.1');
    expect(statement.predicate.properties).toEqual(['CUTOVER_DECISION_runtime-cutover_GO']);
    const log = cutover(['-C', w.program, 'log', '--json'], { env: w.env }).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; hash: string });
    const policy = statement.predicate.verifier.policy;
    expect(policy.annotations.head).toBe(log.at(-1)!.hash);
    expect(policy.annotations.goEvents.map((e: { seq: number }) => log[e.seq - 1]!.type)).toEqual(['verdict.cast', 'verdict.cast']);
    expect(new Set(policy.annotations.evidenceEvents.map((e: { seq: number }) => log[e.seq - 1]!.type))).toEqual(new Set(['evidence.added']));

    // The in-toto Statement v1 + SVR schema kept in the repository.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/in-toto-statement-svr.schema.json'), 'utf8'));
    expect(ajv.validate(schema, statement), ajv.errorsText()).toBe(true);
    expect(ajv.validate(schema, { ...statement, subject: [{ name: 'x' }] })).toBe(false); // a subject needs a digest

    // @sigstore/core: the same pre-authentication bytes, and each signature verifies with the role's public key.
    const payload = Buffer.from(envelope.payload, 'base64');
    expect(sigstoreDsse.preAuthEncoding(envelope.payloadType, payload).equals(pae(envelope.payloadType, payload))).toBe(true);
    const keys = [w.key(PRODUCER_APPROVER), w.key(CONSUMER_APPROVER)].map((k) => createPublicKey(k));
    envelope.signatures.forEach((s, i) => {
      expect(s.keyid).toBe(sigstoreCrypto.digest('sha256', rawPublicKey(keys[i]!)).toString('hex'));
      expect(sigstoreCrypto.verify(sigstoreDsse.preAuthEncoding(envelope.payloadType, payload), keys[i]!, Buffer.from(s.sig, 'base64'))).toBe(true);
    });

    // Debian's python3 with securesystemslib 0.26: its Ed25519 check over the PAE bytes built here.
    const checks = envelope.signatures.map((s, i) => ({ pub: rawPublicKey(keys[i]!).toString('hex'), sig: Buffer.from(s.sig, 'base64').toString('hex'), data: pae(envelope.payloadType, payload).toString('hex') }));
    const tampered = { ...checks[0]!, data: pae(envelope.payloadType, Buffer.concat([payload, Buffer.from(' ')])).toString('hex') };
    const python = spawnSync('/usr/bin/python3', ['-c', PYTHON_CHECK], { input: JSON.stringify([...checks, tampered]), encoding: 'utf8' });
    expect(python.status, python.stderr).toBe(0);
    expect(python.stdout.trim().split('\n')).toEqual(['securesystemslib 0.26.0', 'ok', 'ok', 'bad']);

    // The Python check docs/attestations.md shows, run as it is written there.
    const doc = readFileSync(join(ROOT, 'docs/attestations.md'), 'utf8');
    const script = /<!-- dsse_verify\.py:[^>]*-->\n```python\n([\s\S]*?)```/.exec(doc)![1]!;
    writeFileSync(join(w.root, 'dsse_verify.py'), script);
    const publicKeys = keys.map((k) => `ed25519:${rawPublicKey(k).toString('base64')}`);
    const documented = spawnSync('/usr/bin/python3', [join(w.root, 'dsse_verify.py'), join(w.program, 'go.dsse.json'), ...publicKeys], { encoding: 'utf8' });
    expect(documented.status, documented.stderr).toBe(0);
    expect(documented.stdout.split('\n').slice(0, 3)).toEqual([...envelope.signatures.map((s) => `keyid ${s.keyid.slice(0, 16)}: verified`), `subject memorykernel@${targetCommit} {"gitCommit": "${targetCommit}"}`]);
    writeFileSync(join(w.root, 'other.dsse.json'), JSON.stringify({ ...envelope, payload: Buffer.concat([payload, Buffer.from(' ')]).toString('base64') }));
    const refused = spawnSync('/usr/bin/python3', [join(w.root, 'dsse_verify.py'), join(w.root, 'other.dsse.json'), ...publicKeys], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('no signature verifies');

    // The Sigstore bundle: valid as a bundle, its envelope the producer's signature, and verify reads it.
    const bundle = JSON.parse(readFileSync(join(w.program, 'go.sigstore.json'), 'utf8'));
    expect(() => assertBundle(bundleFromJSON(bundle))).not.toThrow();
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.publicKey.hint).toBe(envelope.signatures[0]!.keyid);
    expect(bundle.dsseEnvelope.signatures).toEqual([envelope.signatures[0]]);
    const fromBundle = w.run(['attest', 'verify', 'go.sigstore.json']);
    expect(fromBundle.code, fromBundle.stdout).toBe(0);
    // The co-signer's bundle carries its own signature only.
    const consumerBundle = w.run(['attest', 'verify', 'consumer.sigstore.json', '--json']);
    expect(consumerBundle.code, consumerBundle.stdout).toBe(0);
    expect((JSON.parse(consumerBundle.stdout) as { signedBy: { role: string }[] }).signedBy.map((s) => s.role)).toEqual([CONSUMER_APPROVER]);
    // A bundle is not co-signed in place: it holds exactly one signature.
    expect(w.run(['attest', 'sign', 'go.sigstore.json', '--as', CONSUMER_APPROVER]).stderr).toContain('a Sigstore bundle holds exactly one signature');
    // One signature cannot speak for both parties.
    const oneParty = w.run(['attest', 'verify', 'go.sigstore.json', '--require-parties']);
    expect(oneParty.code).toBe(1);
    expect(oneParty.stdout).toContain('--require-parties: no signature by a role of assistsupport');
  });

  it('fails with its reason: one changed byte in the payload', () => {
    const w = world();
    expect(w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER, '--out', 'go.dsse.json']).code).toBe(0);
    const envelope = readEnvelope(join(w.program, 'go.dsse.json'));
    const payload = Buffer.from(envelope.payload, 'base64');
    const at = payload.indexOf('"timeCreated":"') + '"timeCreated":"'.length;
    payload[at + 3] = payload[at + 3] === 0x30 ? 0x31 : 0x30; // one digit of the year: still a valid statement
    writeFileSync(join(w.program, 'changed.json'), JSON.stringify({ ...envelope, payload: payload.toString('base64') }));
    const verified = w.run(['attest', 'verify', 'changed.json']);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/no signature verifies with a key the definition at seq 15 gives a role that may attest: a signature with keyid [0-9a-f]{64} \(memorykernel-release-owner\) that does not verify over this payload/);
  });

  it('fails with its reason: a signature by a key that is not the role\'s', () => {
    const w = world();
    expect(w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER, '--out', 'go.dsse.json']).code).toBe(0);
    const envelope = readEnvelope(join(w.program, 'go.dsse.json'));
    // Another key signs the same payload and claims the role's keyid.
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const forged = { ...envelope, signatures: [{ keyid: envelope.signatures[0]!.keyid, sig: sign(null, pae(envelope.payloadType, Buffer.from(envelope.payload, 'base64')), stranger).toString('base64') }] };
    writeFileSync(join(w.program, 'forged.json'), JSON.stringify(forged));
    const verified = w.run(['attest', 'verify', 'forged.json']);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain('(memorykernel-release-owner) that does not verify over this payload');
    // Under its own keyid, it is no role's key at all.
    writeFileSync(join(w.program, 'stranger.json'), JSON.stringify(handSigned(statementOf(envelope), stranger)));
    expect(w.run(['attest', 'verify', 'stranger.json']).stdout).toMatch(/a signature with keyid [0-9a-f]{64}, by no key of any role at seq 15/);
    // create and sign refuse a key that is not the role's, naming whose it is.
    const wrongKey = w.run(['attest', 'sign', 'go.dsse.json', '--as', CONSUMER_APPROVER, '--key', join(w.env.CUTOVER_HOME!, 'keys', PROGRAM, `${PRODUCER_APPROVER}.pem`)]);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain(`is not a key of role "${CONSUMER_APPROVER}" in the definition at the attested head (seq 15) (it belongs to ${PRODUCER_APPROVER})`);
    // A role that may not attest (the decision-log owner): its genuine signature does not count.
    writeFileSync(join(w.program, 'owner.json'), JSON.stringify(handSigned(statementOf(envelope), w.key('integration-program-owner'))));
    expect(w.run(['attest', 'verify', 'owner.json']).stdout).toContain('a signature by integration-program-owner');
  });

  it('fails with its reason: a head not in the ledger', () => {
    const w = world();
    expect(w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER, '--out', 'go.dsse.json']).code).toBe(0);
    const statement = statementOf(readEnvelope(join(w.program, 'go.dsse.json')));
    const annotations = statement.predicate.verifier.policy.annotations;
    annotations.head = `sha256:${'ab'.repeat(32)}`;
    writeFileSync(join(w.program, 'elsewhere.json'), JSON.stringify(handSigned(statement, w.key(PRODUCER_APPROVER))));
    const verified = w.run(['attest', 'verify', 'elsewhere.json']);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(new RegExp(`head sha256:(ab){32} \\(seq 15\\) is not in the ledger: its seq 15 is sha256:[0-9a-f]{64}`));
    annotations.seq = 99;
    writeFileSync(join(w.program, 'beyond.json'), JSON.stringify(handSigned(statement, w.key(PRODUCER_APPROVER))));
    expect(w.run(['attest', 'verify', 'beyond.json']).stdout).toContain('(seq 99) is not in the ledger: it has 15 events');
  });

  it('fails with its reason: the decision became NO-GO after (a new target); create then refuses', () => {
    const w = world();
    expect(w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER, '--out', 'go.dsse.json']).code).toBe(0);
    const g = (...args: string[]) => spawnSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', '-C', join(w.root, 'MemoryKernel'), ...args], { encoding: 'utf8' });
    writeFileSync(join(w.root, 'MemoryKernel/VERSION'), 'service.v3.1\n');
    g('commit', '-qam', 'v3.0.1');
    g('tag', '-a', 'v3.0.1', '-m', 'v3.0.1');
    const sha = g('rev-parse', 'v3.0.1^{commit}').stdout.trim();
    const published = w.run(['target', 'publish', '--tag', 'v3.0.1', '--sha', sha, '--contract', 'service=service.v3', '--as', PRODUCER_APPROVER]);
    expect(published.code, published.stderr).toBe(0);
    const verified = w.run(['attest', 'verify', 'go.dsse.json']);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/runtime-cutover stopped being GO at seq 16 \(target\.published, [0-9T:.-]+Z\):\n {4}Bilateral runtime GO\/NO-GO record/);
    const refused = w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('runtime-cutover is NO-GO at the head (seq 16');
  });

  it('fails with its reason: a subject that is not the repin commit', () => {
    const w = world();
    expect(w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER, '--out', 'go.dsse.json']).code).toBe(0);
    const statement = statementOf(readEnvelope(join(w.program, 'go.dsse.json')));
    const before = spawnSync('git', ['-C', join(w.root, 'AssistSupport'), 'rev-parse', 'HEAD~1'], { encoding: 'utf8' }).stdout.trim();
    statement.subject[2] = { name: `assistsupport@${before}`, digest: { gitCommit: before } };
    writeFileSync(join(w.program, 'other-commit.json'), JSON.stringify(handSigned(statement, w.key(PRODUCER_APPROVER))));
    const verified = w.run(['attest', 'verify', 'other-commit.json', '--json']);
    expect(verified.code).toBe(1);
    const result = JSON.parse(verified.stdout) as { ok: boolean; reasons: string[]; signedBy: { role: string }[] };
    expect(result.ok).toBe(false);
    expect(result.signedBy.map((s) => s.role)).toEqual([PRODUCER_APPROVER]);
    expect(result.reasons).toHaveLength(2);
    expect(result.reasons[0]).toContain(`subject assistsupport@${before} (gitCommit ${before}) is not a commit the decision approves`);
    expect(result.reasons[1]).toMatch(/^subject assistsupport@[0-9a-f]{40} \(gitCommit [0-9a-f]{40}\) is missing/);
  });
});

describe('attest verify --server', () => {
  const serving = serversPerTest();

  it('checks an envelope against the program on a server, as it checks it against a folder', async () => {
    const w = world();
    expect(w.run(['attest', 'create', 'runtime-cutover', '--as', PRODUCER_APPROVER, '--out', 'go.dsse.json']).code).toBe(0);
    const server = await serving(['--data', join(w.root, 'served')]);
    expect(w.run(['push', '--server', server.url]).code).toBe(0);
    // From a folder with no program in it: the ledger comes from the server, verified here.
    const elsewhere = (args: string[]) => cutover(args, { cwd: w.root, env: w.env });
    const verified = elsewhere(['--server', server.url, '--program', PROGRAM, 'attest', 'verify', join(w.program, 'go.dsse.json')]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^ok: runtime-cutover was GO at seq 15 .* and is still GO at seq 15$/m);
    const statement = statementOf(readEnvelope(join(w.program, 'go.dsse.json')));
    statement.predicate.verifier.policy.annotations.seq = 16;
    writeFileSync(join(w.root, 'ahead.json'), JSON.stringify(handSigned(statement, w.key(PRODUCER_APPROVER))));
    const ahead = elsewhere(['--server', server.url, '--program', PROGRAM, 'attest', 'verify', 'ahead.json']);
    expect(ahead.code).toBe(1);
    expect(ahead.stdout).toContain('(seq 16) is not in the ledger: it has 15 events');
  });
});

/** securesystemslib's own Ed25519 check, one line per {pub, sig, data} (hex) read as JSON from stdin. */
const PYTHON_CHECK = `
import json, sys
import securesystemslib
from securesystemslib import ed25519_keys
print("securesystemslib " + securesystemslib.__version__)
for c in json.load(sys.stdin):
    try:
        ok = ed25519_keys.verify_signature(bytes.fromhex(c["pub"]), "ed25519", bytes.fromhex(c["sig"]), bytes.fromhex(c["data"]))
    except Exception as e:
        ok = False
    print("ok" if ok else "bad")
`;
