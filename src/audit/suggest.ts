/**
 * `cutover audit --suggest`: a starting cutover.yaml drawn from what the audit saw. It is the
 * `cutover init` template, filled in: the parties (the repositories), the contract most named, the
 * release tags named in tag/SHA pairs, each consumer's pin files (those naming a producer tag, as
 * changed together by one commit), and the titles of the five named roles.
 */
import { isMap, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import { run } from '../evidence/git.js';
import { slug, standardTemplate } from '../program/template.js';
import type { AuditedFile } from './judge.js';
import type { AuditRepo, TagInfo } from './repo.js';

interface PinFile {
  readonly path: string;
  readonly shape: { json: Record<string, 'tag' | 'sha'> } | { markdown: 'tag-and-sha' };
}

const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The contract named most often (`service.v3`), the highest version on a tie. */
function mostNamedContract(files: readonly AuditedFile[]): string {
  const counts = new Map<string, number>();
  for (const f of files) for (const c of f.facts.contracts) counts.set(c, (counts.get(c) ?? 0) + 1);
  const ranked = [...counts].sort(([a, x], [b, y]) => y - x || byVersion(b, a));
  return ranked[0]?.[0] ?? 'service.v2';
}

/** The repository whose tags the pairs name most: the producer, unless `--producer` said. */
async function pickProducer(repos: readonly AuditRepo[], files: readonly AuditedFile[], named: string | undefined): Promise<AuditRepo> {
  const given = repos.find((r) => r.name === named);
  if (given !== undefined) return given;
  const tags = files.flatMap((f) => f.facts.pairs.map((p) => p.tag));
  const scores = await Promise.all(
    repos.map(async (r) => {
      const names = new Set((await r.tags()).map((t) => t.name));
      return tags.filter((t) => names.has(t)).length;
    }),
  );
  return repos[scores.indexOf(Math.max(...scores))] as AuditRepo;
}

/** The consumer's files naming a producer tag with a SHA, narrowed to those the latest commit changing several of them changed together. */
async function pinFiles(repo: AuditRepo, files: readonly AuditedFile[], tags: ReadonlySet<string>): Promise<{ pins: PinFile[]; commit: string | null }> {
  const candidates: PinFile[] = [];
  for (const f of files) {
    if (f.repo !== repo.name) continue;
    const pair = f.facts.pairs.find((p) => tags.has(p.tag));
    if (pair === undefined) continue;
    if (pair.pointers !== undefined && f.path.endsWith('.json')) candidates.push({ path: f.path, shape: { json: { [pair.pointers.tag]: 'tag', [pair.pointers.sha]: 'sha' } } });
    else if (/\.(md|markdown)$/.test(f.path)) candidates.push({ path: f.path, shape: { markdown: 'tag-and-sha' } });
  }
  if (candidates.length < 2) return { pins: candidates, commit: null };
  const log = await run(repo.git.path, ['log', '--format=%x00%H', '--name-only', '-n', '1000', 'HEAD', '--', ...candidates.map((c) => c.path)]);
  for (const entry of log.stdout.toString('utf8').split('\0').slice(1)) {
    const [sha = '', ...changed] = entry.split('\n').filter((l) => l !== '');
    const together = candidates.filter((c) => changed.includes(c.path));
    if (together.length >= 2) return { pins: together, commit: sha };
  }
  return { pins: candidates, commit: null };
}

/** "MemoryKernel incident commander" → the template's role id for it. */
function roleId(role: string, producer: string, consumers: readonly string[]): string | null {
  const text = role.toLowerCase();
  if (/decision log owner/.test(text)) return 'integration-program-owner';
  const party = [producer, ...consumers].find((p) => text.includes(p.toLowerCase()));
  if (party === undefined) return null;
  if (/incident commander/.test(text)) return `${slug(party)}-incident-commander`;
  if (/rollback owner|release owner|runtime owner/.test(text)) return party === producer ? `${slug(party)}-release-owner` : `${slug(party)}-runtime-owner`;
  return null;
}

function itemById(doc: Document, section: string, id: string): YAMLMap | null {
  const seq = doc.get(section);
  if (!isSeq(seq)) return null;
  return (seq.items.find((i) => isMap(i) && i.get('id') === id) as YAMLMap | undefined) ?? null;
}

export async function suggestDefinition(repos: readonly AuditRepo[], files: readonly AuditedFile[], producerName: string | undefined): Promise<string> {
  const producer = await pickProducer(repos, files, producerName);
  const consumerRepos = repos.filter((r) => r !== producer);
  const consumers = consumerRepos.length === 0 ? ['Consumer'] : consumerRepos.map((r) => r.name);
  const contract = mostNamedContract(files);
  const doc = parseDocument(standardTemplate({ programId: `${slug(producer.name)}-${slug(contract)}`, producer: producer.name, consumers, contract }));

  const producerTags = new Map<string, TagInfo>((await producer.tags()).map((t) => [t.name, t]));
  const namedTags = [...new Set(files.flatMap((f) => f.facts.pairs.map((p) => p.tag)))].filter((t) => producerTags.has(t)).sort(byVersion);
  const notes = [
    `Suggested by cutover audit from ${repos.map((r) => r.name).join(', ')}: check every value before cutover program define.`,
    ...(namedTags.length === 0 ? ['No release tag of the producer was named with a SHA in the records.'] : [`Release tags named with a SHA in the records: ${namedTags.join(', ')}.`]),
  ];
  const target = namedTags.at(-1);
  const baseline = namedTags.at(-2);
  const contractName = contract.split('.')[0] ?? 'service';
  const publish = (tag: string, flag: string, version: string) =>
    `  cutover target publish${flag} --tag ${tag} --sha ${producerTags.get(tag)?.commit ?? '<sha>'} --contract ${contractName}=${version} --repo ../${producer.name} --as ${slug(producer.name)}-release-owner`;
  if (baseline !== undefined) notes.push('The baseline (the release before the target), as git has it:', publish(baseline, ' --baseline', '<its contract version>'));
  if (target !== undefined) notes.push('The runtime target, as git has it:', publish(target, '', contract));

  for (const consumer of consumerRepos) {
    const party = itemById(doc, 'parties', slug(consumer.name));
    const { pins, commit } = await pinFiles(consumer, files, new Set(producerTags.keys()));
    if (party === null || pins.length === 0) {
      notes.push(`${consumer.name}: no pin file naming a producer tag with a SHA was seen; the template's pins are placeholders.`);
      continue;
    }
    party.set('pins', doc.createNode(pins.map((p) => ({ file: p.path, ...p.shape }))));
    const summary = commit === null ? null : await consumer.summary(commit);
    notes.push(`${consumer.name}: pin files ${pins.map((p) => p.path).join(', ')}${summary === null ? '' : `, changed together in ${summary.sha.slice(0, 10)} (${summary.subject})`}.`);
  }

  const titled: string[] = [];
  for (const claim of files.flatMap((f) => f.facts.record?.roles ?? [])) {
    const id = roleId(claim.role, producer.name, consumers);
    const role = id === null ? null : itemById(doc, 'roles', id);
    if (role === null || titled.includes(id as string)) continue;
    role.set('title', claim.title);
    titled.push(id as string);
  }
  notes.push(`Named roles seen in the records: ${titled.length === 0 ? 'none (the template titles stand)' : titled.join(', ')}.`);
  doc.commentBefore = [...notes.map((n) => ` ${n}`), doc.commentBefore ?? ''].join('\n');
  return doc.toString({ lineWidth: 0 });
}
