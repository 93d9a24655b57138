/**
 * `verify --recheck`: the claims evidence events make about repositories and files, re-read now.
 * A signature says who claims a tag points at a commit, or that a commit is an atomic repin; it
 * does not make it so. What can be re-run against the repositories given is re-run here, and every
 * claim that no longer holds is named with its seq.
 */
import type { LedgerEvent } from '../domain/events.js';
import { CutoverError } from '../errors.js';
import { checkRepin } from '../domain/pins.js';
import type { ProgramDefinition, TargetDefinition } from '../program/schema.js';
import { recheckRecordedFiles } from './recheck.js';
import { checkTarget, commitInfo, openRepo, recheckTarget, type GitRepo } from './git.js';
import { collectRepin } from './collect.js';

export interface ClaimFinding {
  readonly seq: number;
  /** What the event claims, in a few words. */
  readonly claim: string;
  readonly party: string | null;
  readonly status: 'holds' | 'broken' | 'not-checked';
  /** Why it no longer holds, or why it was not checked. */
  readonly problems: readonly string[];
}

/** Re-check every claim of `events` that the given repositories (party id → folder) and files can answer. */
export async function recheckClaims(programDir: string, events: readonly LedgerEvent[], repoDirs: Readonly<Record<string, string>>): Promise<ClaimFinding[]> {
  const repos = new Map<string, Promise<GitRepo>>();
  const repoOf = (party: string): Promise<GitRepo> | null => {
    const dir = repoDirs[party];
    if (dir === undefined) return null;
    if (!repos.has(party)) repos.set(party, openRepo(dir, `--repo ${party}=`));
    return repos.get(party)!;
  };
  let def: ProgramDefinition | null = null;
  const targets: TargetDefinition[] = [];
  const findings: ClaimFinding[] = [];
  const fileFindings = new Map((await recheckRecordedFiles(programDir, events)).map((f) => [f.seq, f]));

  for (const e of events) {
    if (e.type === 'program.defined' || e.type === 'program.amended') def = e.data.definition;
    const partyOfActor = def?.roles.find((r) => r.id === e.actor)?.party ?? null;
    const producer = def?.parties.find((p) => p.id === partyOfActor)?.kind === 'producer' ? partyOfActor : (def?.parties.find((p) => p.kind === 'producer')?.id ?? null);
    const check = async (claim: string, party: string | null, run: (repo: GitRepo) => Promise<readonly string[]>): Promise<void> => {
      const repo = party === null ? null : repoOf(party);
      if (repo === null) {
        findings.push({ seq: e.seq, claim, party, status: 'not-checked', problems: [`no --repo ${party ?? '<party>'}=<folder> given`] });
        return;
      }
      // A repository that no longer has what the event names is a broken claim, not bad input.
      const problems = await run(await repo).catch((e: unknown) => {
        if (e instanceof CutoverError && e.kind === 'input') return [e.message];
        throw e;
      });
      findings.push({ seq: e.seq, claim, party, status: problems.length === 0 ? 'holds' : 'broken', problems });
    };

    if (e.type === 'target.published') {
      targets.push(e.data.target);
      const { tag, sha } = e.data.target;
      const facts = e.data.verification;
      await check(`${e.data.as} ${tag} is commit ${sha}`, producer, async (repo) =>
        (facts === null ? await checkTarget(repo, tag, sha) : await recheckTarget(repo, { tag, sha, annotated: facts.annotated, tagObject: facts.tagObject })).problems,
      );
    } else if (e.type === 'target.verified' && e.data.ok) {
      const { tag, sha } = e.data;
      await check(`${tag} verified as commit ${sha}`, producer, async (repo) => (await checkTarget(repo, tag, sha)).problems);
    } else if (e.type === 'evidence.added') {
      const d = e.data;
      if (d.kind === 'repin') {
        const party = def?.parties.find((p) => p.id === d.party);
        const target = [...targets].reverse().find((t) => t.tag === d.target.tag && t.sha === d.target.sha);
        await check(`commit ${d.commit} is an atomic repin to ${d.target.tag}`, d.party, async (repo) => {
          if (party === undefined || target === undefined) return [`the program no longer defines party ${d.party} or target ${d.target.tag}`];
          const facts = await collectRepin(repo.path, d.commit, party);
          const problems = [...checkRepin(party, target, facts).problems];
          for (const f of d.files) {
            const now = facts.files[f.path];
            if (now == null) problems.push(`${f.path} no longer exists at ${d.commit}`);
            else if (now.blob !== f.blob) problems.push(`${f.path} is blob ${now.blob} at ${d.commit}, recorded ${f.blob}`);
          }
          return problems;
        });
      } else if (d.kind === 'verification-run' || d.kind === 'rollback-drill' || d.kind === 'rollback-execution') {
        const head = d.run.head;
        if (head !== null) {
          await check(`${d.kind} ran at commit ${head}`, d.party, async (repo) => {
            const found = await commitInfo(repo, head, 'run.head').then(() => true, () => false);
            return found ? [] : [`commit ${head} is not in ${d.party}'s repository`];
          });
        }
      } else {
        const file = fileFindings.get(e.seq);
        if (file !== undefined) {
          findings.push({
            seq: e.seq,
            claim: `${d.kind} ${file.path} has ${file.recorded}`,
            party: d.party,
            status: file.status === 'unchanged' ? 'holds' : 'broken',
            problems: file.status === 'changed' ? [`${file.path} now has ${file.now}`] : file.status === 'vanished' ? [`${file.path} no longer exists`] : [],
          });
        }
      }
    }
  }
  return findings;
}
