/** `attest create|sign|verify`: in-toto attestations of a GO, written, co-signed and checked against the ledger. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cosignAttestation, createAttestation, verifyAttestation, type Attester } from '../../attest/attestation.js';
import { envelopeJsonOfBundle, isSigstoreBundle, toSigstoreBundle } from '../../attest/bundle.js';
import { envelopeFrom, type DsseEnvelope } from '../../attest/dsse.js';
import { findSigner } from '../../app/keyring.js';
import { invalidInput } from '../../errors.js';
import { describeSubject } from '../../domain/attestation.js';
import { EXIT, type CliIo } from '../io.js';
import type { AttestCreateOptions, AttestSigningOptions, AttestSignOptions, AttestVerifyOptions } from '../options.js';
import { packageVersion } from '../version.js';
import { openDefined } from './context.js';

async function attesterOf(o: AttestSigningOptions, program: string, io: CliIo): Promise<Attester> {
  const { signer, from } = await findSigner(program, o.as, { env: io.env, ...(o.key === undefined ? {} : { keyFile: resolve(io.cwd, o.key) }) });
  return { role: o.as, signer, from };
}

/** Write whole or not at all: a half-written envelope would lose the signatures already on it. */
async function writeWhole(file: string, text: string): Promise<void> {
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, text);
  await rename(draft, file);
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

async function writeBundle(o: AttestSigningOptions, envelope: DsseEnvelope, io: CliIo): Promise<void> {
  if (o.bundle === undefined) return;
  const file = resolve(io.cwd, o.bundle);
  await writeWhole(file, json(toSigstoreBundle(envelope, envelope.signatures.at(-1)!)));
  io.stderr(`wrote the Sigstore bundle of ${o.as}'s signature to ${o.bundle}\n`);
}

export async function attestCreate(o: AttestCreateOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o, io);
  const { envelope, statement } = await createAttestation(ws, o.decision, await attesterOf(o, ws.state.program!, io), io.now(), packageVersion());
  const policy = statement.predicate.verifier.policy.annotations;
  if (o.out === undefined) io.stdout(json(envelope));
  else await writeWhole(resolve(io.cwd, o.out), json(envelope));
  io.stderr(
    `attested ${o.decision}: GO at seq ${policy.seq} (head ${policy.head}), signed by ${o.as}${o.out === undefined ? '' : `; wrote ${o.out}`}\n` +
      statement.subject.map((s) => `  subject ${describeSubject(s)}\n`).join(''),
  );
  await writeBundle(o, envelope, io);
  return EXIT.ok;
}

/** An envelope from a file: the envelope itself, or the one a Sigstore bundle carries. */
async function readEnvelope(file: string, io: CliIo): Promise<{ envelope: DsseEnvelope; path: string; bundle: boolean }> {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw invalidInput({ source: file, field: '', expected: 'a readable envelope file', found: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalidInput({ source: file, field: '', expected: 'JSON (a DSSE envelope or a Sigstore bundle)', found: (e as Error).message });
  }
  const bundle = isSigstoreBundle(parsed);
  return { envelope: envelopeFrom(bundle ? envelopeJsonOfBundle(parsed, file) : parsed, file), path, bundle };
}

export async function attestSign(o: AttestSignOptions, io: CliIo): Promise<number> {
  const { envelope, path, bundle } = await readEnvelope(o.file, io);
  if (bundle) {
    throw invalidInput({ source: o.file, field: 'mediaType', expected: 'a DSSE envelope (a Sigstore bundle holds exactly one signature)', found: 'a Sigstore bundle' }, [
      'co-sign the envelope from cutover attest create, with --bundle <file> to write this signature as a bundle of its own',
    ]);
  }
  const ws = await openDefined(o, io);
  const signed = await cosignAttestation(ws, envelope, o.file, await attesterOf(o, ws.state.program!, io));
  await writeWhole(path, json(signed));
  io.stderr(`signed ${o.file} as ${o.as} (keyid ${signed.signatures.at(-1)!.keyid}); it carries ${signed.signatures.length} signatures\n`);
  await writeBundle(o, signed, io);
  return EXIT.ok;
}

export async function attestVerify(o: AttestVerifyOptions, io: CliIo): Promise<number> {
  const { envelope } = await readEnvelope(o.file, io);
  const ws = await openDefined(o, io);
  if (o.commit !== undefined && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(o.commit)) {
    throw invalidInput({ source: '--commit', field: '', expected: 'a full commit id (40 or 64 lowercase hex characters, as git rev-parse HEAD prints it)', found: JSON.stringify(o.commit) });
  }
  const check = await verifyAttestation(ws, envelope, { requireParties: o.requireParties, now: io.now(), ...(o.commit === undefined ? {} : { commit: o.commit }) });
  const policy = check.statement?.predicate.verifier.policy.annotations;
  if (o.json) {
    io.stdout(
      json({
        ok: check.ok,
        reasons: check.reasons,
        decision: policy?.decision ?? null,
        attestedHead: policy === undefined ? null : { seq: policy.seq, hash: policy.head },
        head: check.head,
        signedBy: check.signedBy,
        subjects: check.statement?.subject ?? [],
        stoppedBeingGo: check.stopped === null ? null : { seq: check.stopped.seq, at: check.stopped.at, type: check.stopped.type },
      }),
    );
  } else if (check.ok) {
    io.stdout(
      `ok: ${policy!.decision} was GO at seq ${policy!.seq} (head ${policy!.head}) and is still GO at seq ${check.head.seq}\n` +
        `signed by: ${check.signedBy.map((s) => `${s.role} (${s.party}, keyid ${s.keyid.slice(0, 12)})`).join(', ')}\n` +
        check.statement!.subject.map((s) => `subject ${describeSubject(s)}: matches the ledger\n`).join('') +
        (o.commit === undefined ? '' : `commit ${o.commit}: covered\n`),
    );
  } else {
    io.stdout(`not verified: ${o.file}\n${check.reasons.map((r) => `  - ${r}\n`).join('')}`);
    if (check.signedBy.length > 0) io.stdout(`signed by: ${check.signedBy.map((s) => `${s.role} (${s.party})`).join(', ')}\n`);
  }
  return check.ok ? EXIT.ok : EXIT.noGo;
}

