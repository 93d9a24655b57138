/**
 * The commands printed under a blocker, complete enough to run as printed: the party's suite by name,
 * and no --repo or --cwd where the party declares its checkout (cutover.yaml `checkout:`), since that is
 * their default. Pure: built from the definition alone.
 */
import type { ProgramDefinition } from '../program/schema.js';

/** ` --repo <MemoryKernel checkout>`, or nothing when the party declares where its checkout is. */
export function checkoutFlag(def: ProgramDefinition, party: string, flag: '--repo' | '--cwd'): string {
  const p = def.parties.find((x) => x.id === party);
  return p?.checkout === undefined ? ` ${flag} <${p?.name ?? party} checkout>` : '';
}

function suiteFlag(def: ProgramDefinition, party: string): string {
  const suite = def.parties.find((x) => x.id === party)?.suites?.[0]?.id;
  return ` --suite ${suite ?? '<suite>'}`;
}

/** The command that collects evidence of a kind from a party (without --as). */
export function evidenceCommand(def: ProgramDefinition, kind: string, party: string): string {
  switch (kind) {
    case 'repin':
      return `cutover evidence repin --party ${party}${checkoutFlag(def, party, '--repo')} --commit HEAD`;
    case 'verification-run':
      // A run counts only at the target (a consumer: at its repin): --at-target checks that out for the run.
      return `cutover evidence run --party ${party}${suiteFlag(def, party)}${checkoutFlag(def, party, '--cwd')} --at-target`;
    case 'handoff-payload':
      return `cutover handoff generate --out handoff.json && cutover evidence add --kind handoff-payload --party ${party} --file handoff.json`;
    case 'rollback-drill':
    case 'rollback-execution': {
      // Rollback evidence runs at the rollback target (or, for a consumer, where its pins name it), not at
      // the party's usual checkout: --at-rollback-target checks it out from that checkout for the run.
      return `cutover evidence add --kind ${kind} --party ${party} --verdict ${kind === 'rollback-drill' ? 'READY' : 'PASS'}${suiteFlag(def, party)}${checkoutFlag(def, party, '--cwd')} --at-rollback-target`;
    }
    case 'metric-analysis':
      return `cutover evidence analyze --party ${party} --prometheus <url> --query '<PromQL>' --success 'result < <limit>' --interval 1m --count <samples>`;
    default:
      return `cutover evidence add --kind ${kind} --party ${party} --file <path>`;
  }
}
