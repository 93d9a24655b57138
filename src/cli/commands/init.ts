/** `init`: the standard bilateral template, ready to edit. */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidInput } from '../../errors.js';
import { DEFINITION_FILE } from '../../program/load.js';
import { parseDefinition } from '../../program/parse-definition.js';
import { slug, standardTemplate } from '../../program/template.js';
import { EXIT, type CliIo } from '../io.js';
import type { InitOptions } from '../options.js';
import { resolveDir } from './context.js';

export async function init(o: InitOptions, io: CliIo): Promise<number> {
  const dir = resolveDir(o.dir, io);
  const file = join(dir, DEFINITION_FILE);
  const exists = await access(file).then(() => true, () => false);
  if (exists && !o.force) {
    throw invalidInput({ source: file, field: '', expected: 'no existing cutover.yaml (or --force to overwrite it)', found: 'an existing file' });
  }
  const programId = o.programId ?? `${slug(o.producer)}-${slug(o.contract)}`;
  const text = standardTemplate({ programId, producer: o.producer, consumers: o.consumers, contract: o.contract });
  // The template must always be valid: fail loudly here rather than write a broken file.
  const { definition } = parseDefinition(text, file);
  const roles = definition.roles.map((r) => r.id);
  const logOwner = definition.roles.find((r) => r.duties.includes('decision-log-owner'))?.id ?? '<decision-log-owner role>';
  const producerApprover = definition.roles.find((r) => r.duties.includes('approver') && definition.parties.some((p) => p.id === r.party && p.kind === 'producer'))?.id ?? '<producer approver>';
  await mkdir(dir, { recursive: true });
  await writeFile(file, text);
  io.stdout(
    `wrote ${file} (program ${programId})\n` +
      'next:\n' +
      `  1. edit it (parties, roles, gates, records; checkout: where each party's git checkout is)\n` +
      `  2. for each role: cutover keys generate --role <role>  (roles: ${roles.join(', ')}), and paste the public key into its keys:\n` +
      `  3. cutover program define --as ${logOwner}\n` +
      `  4. record the baseline (the release in production now): rollback evidence proves it, and cannot be recorded without it:\n` +
      `     cutover target publish --baseline --tag <tag> --sha <40-hex sha> --contract <name>=<version> --as ${producerApprover}\n`,
  );
  return EXIT.ok;
}
