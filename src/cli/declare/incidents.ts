/** The CLI's incident protocol. */
import { Option } from 'commander';
import type * as O from '../options.js';
import { collect, type CliContext } from './context.js';

export function declareIncidents({ cli, handlers, dir, run, recording, rec, opt, wanted }: CliContext): void {
  if (wanted('incident')) {
    const incident = cli
      .command('incident')
      .description('the incident and rollback protocol of cutover.yaml (incidents:): each step signed by the incident commander or rollback owner of its party')
      .addHelpText(
        'after',
        '\nThe steps, in order: declare → notify → recommend-rollback → rollback-executed → confirm-repin → summary → approve → close;\n' +
          'update at any time. Each step speaks for --party (default: the recording role\'s party). Deadlines (status, notice):\n' +
          'a step recorded at the due time exactly is on time; one second later the deadline is overdue.\n',
      );
    const severity = (help: string) => new Option('--severity <sev>', help).choices(['SEV-1', 'SEV-2', 'SEV-3']);
    const party = '--party <party>';
    const partyHelp = "the party this step speaks for (default: the recording role's party)";
    recording(incident.command('declare').description('1. declare: a trigger of the policy, at or above its minimum severity'))
      .requiredOption('--trigger <id>', 'a trigger id from incidents.triggers, e.g. envelope-mismatch')
      .addOption(severity('severity, at or above the trigger\'s minimum').makeOptionMandatory())
      .requiredOption('--summary <text>', 'the impact summary')
      .option('--identified-at <time>', 'when the trigger was identified, ISO 8601 with a zone (default: --at); the deadlines run from here')
      .option(party, partyHelp)
      .option('--id <id>', 'incident id (default: INC-<seq>)')
      .option('--contract-mode <mode>', 'the affected contract mode (default: the contract versions of the target in play)')
      .action((o) =>
        run(
          handlers.incidentDeclare({
            ...rec(o),
            trigger: o.trigger,
            severity: o.severity,
            summary: o.summary,
            ...opt('identifiedAt', o.identifiedAt),
            ...opt('party', o.party),
            ...opt('id', o.id),
            ...opt('contractMode', o.contractMode),
          }),
        ),
      );
    recording(incident.command('notify').description('2. the initial notice (deadline: initial_notice after the trigger is identified)').argument('<id>', 'incident id'))
      .option('--action <text>', 'an immediate action, shown in the notice (repeatable)', collect, [])
      .option('--next-update <when>', 'when the next update is due: an ISO time with a zone, or a duration after --at such as 30m (default: incidents.update_interval)')
      .option('--note <text>', 'a note recorded with the notice')
      .option(party, partyHelp)
      .action((id, o) => run(handlers.incidentNotify({ ...rec(o), id, actions: o.action, ...opt('nextUpdate', o.nextUpdate), ...opt('note', o.note), ...opt('party', o.party) })));
    const step = (name: O.IncidentStepOptions['step'], description: string, note = true) => {
      const cmd = recording(incident.command(name).description(description).argument('<id>', 'incident id')).option(party, partyHelp);
      if (note) cmd.option('--note <text>', 'a note recorded with the step');
      return cmd.action((id, o) => run(handlers.incidentStep({ ...rec(o), step: name, id, ...opt('party', o.party), ...opt('note', o.note) })));
    };
    step('recommend-rollback', '3. the producer recommends rolling back to the rollback target (deadline: rollback_recommendation)');
    step('rollback-executed', '4. the producer records the rollback done: the rollback target is the baseline again, the rollback phase moves back');
    step('confirm-repin', '5. each consumer confirms its repin against the rollback target (deadline: repin_confirmation after the rollback)', false);
    recording(incident.command('update').description('any time: a note, immediate actions, a new severity, the next update ETA').argument('<id>', 'incident id'))
      .requiredOption('--note <text>', 'what changed')
      .option('--action <text>', 'an immediate action, shown in the notice (repeatable)', collect, [])
      .addOption(severity('a new severity, at or above the trigger\'s minimum'))
      .option('--next-update <when>', 'when the next update is due: an ISO time with a zone, or a duration after --at such as 30m')
      .option(party, partyHelp)
      .action((id, o) =>
        run(handlers.incidentUpdate({ ...rec(o), id, note: o.note, actions: o.action, ...opt('severity', o.severity), ...opt('nextUpdate', o.nextUpdate), ...opt('party', o.party) })),
      );
    recording(incident.command('summary').description('6. the joint summary: the final decision record and its residual-risk statement').argument('<id>', 'incident id'))
      .requiredOption('--summary <text>', 'what happened, what was decided')
      .requiredOption('--residual-risk <text>', 'the residual-risk statement')
      .option(party, partyHelp)
      .action((id, o) => run(handlers.incidentSummary({ ...rec(o), id, summary: o.summary, residualRisk: o.residualRisk, ...opt('party', o.party) })));
    step('approve', "7. each party's rollback owner approves the summary (deadline: joint_summary)");
    step('close', '8. close: refused, naming what is missing, until the reversal evidence, the summary and every approval are recorded');
    incident
      .command('notice')
      .description('the incident notice, as markdown or --json, with its deadlines')
      .argument('<id>', 'incident id')
      .option('--json', 'print the versioned notice (schemas/incident-notice.schema.json)', false)
      .option('--at <time>', 'evaluate the deadlines at this time instead of now')
      .action((id, o) => run(handlers.incidentNotice({ dir: dir(), id, json: o.json, ...opt('at', o.at) })));
  }
}
