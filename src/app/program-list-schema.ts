/**
 * The schema of `GET /v1/programs`, version 1 (schemas/program-list.schema.json): a program as the
 * list gives it, from its summary (`domain/summary.ts`). Fields are added, never renamed or removed:
 * the first ten are those the list always had; the rest come from the program's "now" list.
 */
import { Type, type Static } from '@sinclair/typebox';

const Urgency = Type.Union([Type.Literal('overdue'), Type.Literal('incident'), Type.Literal('blocked'), Type.Literal('calm')]);
const Owed = Type.Object({ party: Type.String(), role: Type.Union([Type.String(), Type.Null()]) });

export const ListedProgram = Type.Object({
  id: Type.String(),
  title: Type.String(),
  head: Type.Union([Type.String(), Type.Null()]),
  seq: Type.Integer(),
  decisions: Type.Array(Type.Object({ id: Type.String(), outcome: Type.Union([Type.Literal('GO'), Type.Literal('NO-GO')]), state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('decided'), Type.Literal('closed')])) })),
  nextPhase: Type.Union([Type.String(), Type.Null()]),
  blockers: Type.Array(Type.Object({ gate: Type.String(), text: Type.String(), owner: Type.String() })),
  urgency: Type.Union([Urgency], { description: 'how urgent it is at the time of the request, as the list is sorted: from the stored urgency, or the one from its change on once that time came' }),
  currentPhase: Type.String(),
  overdue: Type.Array(Type.Object({ incident: Type.Optional(Type.String()), deadline: Type.Optional(Type.String()), blocker: Type.Optional(Type.String()), due: Type.String() })),
  whoseMove: Type.Optional(Type.Array(Type.Object({ party: Type.String(), roles: Type.Array(Type.String()) }), { description: 'the parties (and roles) that must act next, most urgent first' })),
  mostUrgent: Type.Optional(
    Type.Union([
      Type.Object(
        { kind: Type.Union([Type.Literal('deadline'), Type.Literal('incident'), Type.Literal('blocker')]), key: Type.String(), owedBy: Type.Optional(Type.Array(Owed)), commander: Type.Optional(Owed), waitingOn: Type.Optional(Type.Array(Owed)) },
        { additionalProperties: true, description: "the first item of the program's now list (domain/now.ts)" },
      ),
      Type.Null(),
    ]),
  ),
  nextChangeAt: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'when time alone next changes what the summary says' })),
  evaluatedAt: Type.Optional(Type.String({ description: 'the time the summary was made at' })),
});

export const ProgramList = Type.Object(
  {
    version: Type.Literal(1),
    programs: Type.Array(ListedProgram, { description: 'most urgent first, then by id' }),
    failing: Type.Array(Type.Object({ id: Type.String(), line: Type.Integer(), seq: Type.Union([Type.Integer(), Type.Null()]), fault: Type.String(), message: Type.String() })),
    next: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'the cursor of the next page (?cursor=), null after the last; every program is listed when no limit, cursor or filter is given' })),
  },
  { $id: 'https://cutover.dev/schemas/program-list.schema.json', title: 'GET /v1/programs' },
);

export type ProgramListBody = Static<typeof ProgramList>;
