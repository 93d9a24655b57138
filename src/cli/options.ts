/** The typed options each command receives from argv (see `program.ts`). */
import type { EvidenceAsk } from '../app/evidence-collection.js';
import type { AnalysisAsk } from '../domain/metric-analysis.js';

export interface DirOptions {
  /** The program directory, holding cutover.yaml and .cutover/ledger.jsonl. */
  readonly dir: string;
  /** A Cutover server to use instead of the directory (with `program`); else $CUTOVER_SERVER. */
  readonly server?: string;
  /** The program on the server; else $CUTOVER_PROGRAM. */
  readonly program?: string;
}

export interface RecordingOptions extends DirOptions {
  /** The role recording the event; its key signs it. */
  readonly as: string;
  readonly key?: string;
  /** ISO 8601 time with a zone; default: now. */
  readonly at?: string;
  /** How far `--at` may be ahead of the local clock (a duration; default: $CUTOVER_MAX_CLOCK_SKEW, else 5m). */
  readonly maxClockSkew?: string;
}

export interface ReadOptions extends DirOptions {
  readonly json: boolean;
}

export interface InitOptions extends DirOptions {
  readonly programId?: string;
  readonly producer: string;
  readonly consumers: readonly string[];
  readonly contract: string;
  readonly force: boolean;
}

export interface KeysGenerateOptions extends DirOptions {
  /** One role (--role), or with `all` every role with no key in cutover.yaml. */
  readonly role?: string;
  readonly all?: boolean;
  readonly out?: string;
}

export interface KeysShowOptions extends DirOptions {
  readonly role: string;
  readonly key?: string;
}

export interface StatusOptions extends ReadOptions {
  /** Evaluate at this time instead of now. */
  readonly at?: string;
}

export interface GateOptions extends StatusOptions {
  readonly decision: string;
  readonly format: OutputFormat;
}

export interface LogOptions extends ReadOptions {
  readonly from?: number;
}

export interface VerifyOptions extends ReadOptions {
  readonly threads?: number;
  /** Another copy of the ledger to compare with (a program folder, a ledger file or a bundle). */
  readonly against?: string;
  /** Re-check the claims of evidence events against repositories and files. */
  readonly recheck?: boolean;
  /** `party=folder`: where each party's repository is, for --recheck. */
  readonly repos?: readonly string[];
}

export interface SyncOptions extends DirOptions {
  readonly from: string;
  /** Write `party`'s records again once synced (at `root`, default the git top level of the program folder). */
  readonly render?: boolean;
  readonly party?: string;
  readonly root?: string;
}

export interface ExportOptions extends DirOptions {
  readonly out: string;
}

export interface ImportBundleOptions extends DirOptions {
  readonly file: string;
}

export type OutputFormat = 'text' | 'github';

export interface RenderOptions extends DirOptions {
  /** One record; without it, every record of `party`. */
  readonly record?: string;
  readonly party?: string;
  readonly all: boolean;
  readonly out?: string;
  /** true: compare with the files in the party's repository; a path: compare one record with that file. */
  readonly check?: string | true;
  /** The party's repository root, where record paths point (default: the git top level of the program folder). */
  readonly root?: string;
  readonly format: OutputFormat;
  readonly at?: string;
}

export type AmendOptions = RecordingOptions & { readonly reason: string };
export type VerdictOptions = RecordingOptions & { readonly decision: string; readonly verdict: string; readonly note?: string };
export type TargetPublishOptions = RecordingOptions & {
  readonly tag: string;
  readonly sha: string;
  readonly contract: readonly string[];
  readonly baseline: boolean;
  /** The producer's git repository to verify the pair in. */
  readonly repo?: string;
};
export type TargetVerifyOptions = RecordingOptions & { readonly repo?: string };
export interface TargetCheckOptions {
  readonly repo: string;
  readonly tag: string;
  readonly sha: string;
  readonly json: boolean;
}
export type EvidenceAddOptions = RecordingOptions & EvidenceAsk;
export type EvidenceRepinOptions = RecordingOptions & { readonly party: string; readonly repo?: string; readonly commit: string; readonly summary?: string; readonly producerRepo?: string };
export type ReviewRecordOptions = RecordingOptions & { readonly phase: string; readonly note: string };
export type CorrectClockOptions = RecordingOptions & { readonly reason: string };
export type NoticeGiveOptions = RecordingOptions & { readonly gate: string; readonly text: string };
export type EvidenceRunOptions = RecordingOptions & {
  readonly party: string;
  readonly suite?: string;
  readonly cwd?: string;
  readonly summary?: string;
  /** Run in a temporary worktree at the commit where the run counts, made from the party's checkout. */
  readonly atTarget?: boolean;
};
export type EvidenceAnalyzeOptions = RecordingOptions &
  AnalysisAsk & {
    readonly party: string;
    readonly summary?: string;
  };
export type EvidenceCheckOptions = ReadOptions;
export type BridgeOptions = DirOptions & {
  readonly listen: string;
  /** The automation role whose key signs what the bridge records. */
  readonly as: string;
  readonly key?: string;
};
export interface HandoffGenerateOptions extends DirOptions {
  readonly out?: string;
  readonly at?: string;
}
export interface HandoffVerifyOptions extends ReadOptions {
  readonly file: string;
}
export type BlockerRaiseOptions = RecordingOptions & {
  readonly text: string;
  readonly owner: string;
  readonly due: string;
  readonly phase?: string;
  readonly id?: string;
};
export type BlockerResolveOptions = RecordingOptions & { readonly id: string; readonly note: string };
export type PhaseOptions = RecordingOptions & { readonly step: 'start' | 'close' | 'complete'; readonly phase: string; readonly reason?: string };
export type IncidentDeclareOptions = RecordingOptions & {
  readonly trigger: string;
  readonly severity: string;
  readonly summary: string;
  readonly identifiedAt?: string;
  readonly party?: string;
  readonly id?: string;
  readonly contractMode?: string;
};
/** A step on an incident (recommend-rollback, rollback-executed, confirm-repin, approve, close). */
export type IncidentStepOptions = RecordingOptions & {
  readonly step: 'recommend-rollback' | 'rollback-executed' | 'confirm-repin' | 'approve' | 'close';
  readonly id: string;
  readonly party?: string;
  readonly note?: string;
};
export type IncidentNotifyOptions = RecordingOptions & {
  readonly id: string;
  readonly party?: string;
  readonly actions: readonly string[];
  /** An ISO time with a zone, or a duration after --at (`30m`). */
  readonly nextUpdate?: string;
  readonly note?: string;
};
export type IncidentUpdateOptions = RecordingOptions & {
  readonly id: string;
  readonly party?: string;
  readonly note: string;
  readonly actions: readonly string[];
  readonly severity?: string;
  readonly nextUpdate?: string;
};
export type IncidentSummaryOptions = RecordingOptions & { readonly id: string; readonly party?: string; readonly summary: string; readonly residualRisk: string };
export interface IncidentNoticeOptions extends ReadOptions {
  readonly id: string;
  /** Evaluate the deadlines at this time instead of now. */
  readonly at?: string;
}

export interface AttestSigningOptions extends DirOptions {
  /** The role signing (approver or automation). */
  readonly as: string;
  readonly key?: string;
  /** Also write this role's signature as a Sigstore bundle to this file. */
  readonly bundle?: string;
}

export interface AttestCreateOptions extends AttestSigningOptions {
  readonly decision: string;
  /** The envelope's file; default stdout. */
  readonly out?: string;
}

export interface AttestSignOptions extends AttestSigningOptions {
  readonly file: string;
}

export interface AttestVerifyOptions extends DirOptions {
  readonly file: string;
  readonly requireParties: boolean;
  readonly json: boolean;
  /** A full commit id (or tag object id) that must be one of the subjects. */
  readonly commit?: string;
}
