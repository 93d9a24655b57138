#!/usr/bin/env bash
# cutover audit on two hand-kept repositories that do not use Cutover (yet).
#
# Builds, in a temporary folder, a producer (MemoryKernel) and a consumer (AssistSupport) whose
# markdown and JSON records carry the errors such records really carry, then runs `cutover audit`
# on them: once at HEAD (one finding of each kind), once over their history (--since), and once
# with --suggest. Every date is fixed, so the SHAs and the output are the same on every run.
#   npm run build && examples/audit-demo.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${CUTOVER_BIN:-$here/../bin/cutover.js}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cutover-audit-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
producer="$work/MemoryKernel" consumer="$work/AssistSupport"

clock=1769990400 # 2026-02-02; each commit one day later
git_in() {
  local dir="$1"
  shift
  clock=$((clock + 86400))
  GIT_AUTHOR_DATE="@$clock +0000" GIT_COMMITTER_DATE="@$clock +0000" GIT_CONFIG_NOSYSTEM=1 HOME="$work" \
    git -C "$dir" -c user.name=Demo -c user.email=demo@example.invalid -c commit.gpgsign=false -c tag.gpgsign=false "$@"
}
commit_all() { git_in "$1" add -A && git_in "$1" commit -qm "$2"; }
write() { mkdir -p "$(dirname "$1")" && cat >"$1"; }

# --- The producer: v2.9.0, service.v3, then the fix v3.0.0 was cut from.
git_in "$work" init -q -b main "$producer"
echo service.v2 >"$producer/VERSION" && commit_all "$producer" "service.v2" && git_in "$producer" tag -a v2.9.0 -m "service.v2 baseline"
echo service.v3 >"$producer/VERSION" && commit_all "$producer" "service.v3"
before="$(git -C "$producer" rev-parse HEAD)"
mkdir -p "$producer/src" && echo "error envelope" >"$producer/src/envelope.txt"
commit_all "$producer" "service.v3: error envelope on 503" && git_in "$producer" tag -a v3.0.0 -m "service.v3 runtime target"
v290="$(git -C "$producer" rev-parse 'v2.9.0^{commit}')" v300="$(git -C "$producer" rev-parse 'v3.0.0^{commit}')"

# Two commits whose ids share 7 characters: hash candidate commit objects until two collide (a few
# thousand tries), write them with hash-object, keep them on two branches.
shared="$(cd "$producer" && HOME="$work" GIT_CONFIG_NOSYSTEM=1 node --input-type=module -e '
  import { createHash } from "node:crypto";
  import { execFileSync } from "node:child_process";
  const git = (args, input) => execFileSync("git", args, { input, encoding: "utf8" }).trim();
  const tree = git(["rev-parse", "HEAD^{tree}"]), parent = git(["rev-parse", "HEAD"]);
  const body = (i) => `tree ${tree}\nparent ${parent}\nauthor Demo <demo@example.invalid> 1770000000 +0000\ncommitter Demo <demo@example.invalid> 1770000000 +0000\n\nexperiment ${i}\n`;
  const id = (t) => createHash("sha1").update(`commit ${Buffer.byteLength(t)}\0${t}`).digest("hex");
  const seen = new Map();
  for (let i = 0; ; i++) {
    const p = id(body(i)).slice(0, 7);
    if (!seen.has(p)) { seen.set(p, i); continue; }
    [seen.get(p), i].forEach((n, k) => git(["branch", `experiment-${k}`, git(["hash-object", "-t", "commit", "-w", "--stdin"], body(n))]));
    console.log(p);
    break;
  }')"

mirror() { # $1: title, $2: number of blockers, $3: phase 7 status, $4: inputs
  cat <<EOF
# $1

Updated: 2026-02-08
Owner: MemoryKernel + AssistSupport (bilateral)

## Decision Scope
Mirror record for the joint runtime cutover decision state at the end of Phase 7.

## Decision Outcome
1. Rehearsal continuation: **GO**
2. Runtime cutover execution: **NO-GO**

## Runtime Cutover Window
- Status: **Not approved**

## Ownership (Named Roles)
- MemoryKernel incident commander role: MemoryKernel Producer On-Call Lead
- AssistSupport incident commander role: Support Platform On-Call Lead
- MemoryKernel rollback owner role: MemoryKernel Release Owner
- AssistSupport rollback owner role: AssistSupport Runtime Integrations Owner
- Joint decision log owner role: Integration Program Owner

## Decision Inputs
$4

## Remaining Blockers Before Phase 8 Start
1. Immutable \`service.v3\` runtime release tag + SHA are not yet published and approved.
2. Bilateral runtime GO/NO-GO record is not yet completed with a \`GO\` authorization.
3. Runtime-target evidence bundle is not yet captured:
   - producer runtime handoff payload
   - consumer atomic repin evidence against the same runtime target
EOF
  if [ "$2" = 4 ]; then echo "4. Bilateral rollback execution evidence for the runtime switch window is not yet logged complete."; fi
  cat <<EOF

## Phase Status Mapping
- Phase 7: **$3** (decision recorded)
- Phase 8: **Not Started** (blocked by explicit NO-GO)
EOF
}

mirror "Runtime Cutover Decision Record (Producer Mirror)" 4 Closed "- Producer checkpoint packet:
  - \`/Users/d/Projects/MemoryKernel/docs/implementation/SERVICE_V3_CUTOVER_DECISION_CHECKPOINT_PRODUCER_2026-02-08.md\`
- Consumer decision record:
  - \`/Users/d/Projects/AssistSupport/docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_2026-02-08.md\`" \
  | write "$producer/docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08.md"
write "$producer/docs/RELEASES.md" <<EOF
# Releases

- Baseline: v2.9.0 at commit $v290
- Runtime target: v3.0.0 at commit $before
- The envelope fix landed in commit $shared.
EOF
commit_all "$producer" "records for the Phase 7 decision"
write "$producer/docs/closure/PHASE_7_CLOSURE_2026-02-09.md" <<EOF
# Phase 7 Closure

- Phase 7: **Complete** (decision recorded, closure signed)
EOF
commit_all "$producer" "close Phase 7"
write "$producer/docs/STATUS.md" <<EOF
# Program status

Updated: 2026-02-10

| phase | status |
| --- | --- |
| Phase 7 | Active |
| Phase 8 | Not Started |
EOF
commit_all "$producer" "status page"

# --- The consumer: pinned by hand, mirrored by hand.
git_in "$work" init -q -b main "$consumer"
echo "# AssistSupport" >"$consumer/README.md" && commit_all "$consumer" "AssistSupport"
write "$consumer/config/memorykernel-runtime-target.json" <<EOF
{
  "release_tag": "v3.0.0",
  "commit_sha": "$v290",
  "expected_service_contract_version": "service.v3"
}
EOF
write "$consumer/docs/RUNTIME_PIN.md" <<EOF
# Runtime pin

| producer | tag | commit |
| --- | --- | --- |
| MemoryKernel | v3.0.0 | ${v300:0:12}$(printf 'f%.0s' {1..28}) |
EOF
commit_all "$consumer" "repin MemoryKernel to v3.0.0"
mirror "Runtime Cutover Decision Record" 3 Closed "- Producer decision record: MemoryKernel: docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08.md" \
  | write "$consumer/docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_2026-02-08.md"
commit_all "$consumer" "consumer decision record"

audit() { echo "\$ cutover audit $*" | sed "s|$work/||g"; node "$bin" audit "$@" | sed "s|$work/||g"; }

echo "== 1. The audit at HEAD: one finding of each kind"
audit --repo "$producer" --repo "$consumer" --producer MemoryKernel || echo "(exit $?)"

echo
echo "== 2. History: when each finding first appeared, and whether it is still there"
# --since names a revision in every repository: a branch at each one's first commit.
git -C "$producer" branch audit-start "$(git -C "$producer" rev-list --max-parents=0 HEAD)"
git -C "$consumer" branch audit-start "$(git -C "$consumer" rev-list --max-parents=0 HEAD)"
audit --repo "$producer" --repo "$consumer" --producer MemoryKernel --since audit-start || echo "(exit $?)"

echo
echo "== 3. From audit to ledger: a starting cutover.yaml (printed; --out FILE writes it)"
# The notes at the top, then the parts filled in from the records: the consumer's pins and the roles' titles.
audit --repo "$producer" --repo "$consumer" --producer MemoryKernel --suggest | sed -n '1,/^version:/p; /^  - id: assistsupport$/,/suites:/p; /^roles:/,/^# A decision/p' | grep -v '^# A decision\|keys: \[\]\|duties:'
