/** `handoff generate|verify`: the producer's release handoff payload for the current target. */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildHandoff, handoffProducer } from '../../domain/handoff.js';
import { checkHandoff } from '../../domain/handoff-schema.js';
import type { Workspace } from '../../app/workspace.js';
import { InvalidInputError, invalidInput, InvalidTransitionError } from '../../errors.js';
import { EXIT, type CliIo } from '../io.js';
import type { HandoffGenerateOptions, HandoffVerifyOptions } from '../options.js';
import { openDefined, timeOf } from './context.js';

function producerAndTarget(ws: Workspace) {
  const def = ws.state.definition!;
  const producer = handoffProducer(def);
  if (producer === null) {
    throw invalidInput({ source: ws.file.path, field: 'parties[kind=producer].handoff', expected: 'a handoff: section (error_codes, non_2xx_envelope, consumer_impact) on the producer', found: 'none' });
  }
  const target = ws.state.target;
  if (target === null) throw new InvalidTransitionError('no runtime target has been published: a handoff payload is for one target', ['cutover target publish --tag <tag> --sha <sha> --repo <producer repo>']);
  return { def, producer, target };
}

export async function handoffGenerate(o: HandoffGenerateOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  const { def, producer, target } = producerAndTarget(ws);
  const text = JSON.stringify(buildHandoff(def, producer, target, timeOf(o.at, io)), null, 2) + '\n';
  if (o.out === undefined) io.stdout(text);
  else {
    await writeFile(resolve(io.cwd, o.out), text);
    io.stdout(`wrote ${o.out} for ${target.tag} @ ${target.sha}\n`);
  }
  return EXIT.ok;
}

export async function handoffVerify(o: HandoffVerifyOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  const { def, producer, target } = producerAndTarget(ws);
  const file = resolve(io.cwd, o.file);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw invalidInput({ source: o.file, field: '', expected: 'a readable payload file', found: e.code ?? e.message });
  });
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (e) {
    throw invalidInput({ source: o.file, field: '', expected: 'a JSON document', found: (e as Error).message });
  }
  const check = checkHandoff(payload, def, producer, target);
  if (check.schema.length > 0) throw new InvalidInputError(check.schema.map((p) => ({ source: o.file, ...p })));
  if (o.json) io.stdout(JSON.stringify({ ok: check.mismatches.length === 0, target: { tag: target.tag, sha: target.sha }, mismatches: check.mismatches }, null, 2) + '\n');
  else if (check.mismatches.length === 0) io.stdout(`ok: ${o.file} matches the program and the current target ${target.tag} @ ${target.sha}\n`);
  else io.stdout(`${o.file} does not match:\n${check.mismatches.map((m) => `  - ${m}`).join('\n')}\n`);
  return check.mismatches.length === 0 ? EXIT.ok : EXIT.noGo;
}
