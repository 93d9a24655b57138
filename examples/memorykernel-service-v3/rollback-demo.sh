#!/usr/bin/env bash
# From GO back to the rollback target: the incident and rollback protocol of cutover.yaml, run end
# to end. v3.0.0 is cut over (Phase 8 complete, v3.0.0 the baseline); in Phase 9 a non-2xx envelope
# mismatch is found; the incident is declared, notified, the rollback recommended and executed,
# the consumer repins to v2.9.0 and confirms it, both sides prove the restored baseline with runs,
# the joint summary is approved by both owners, and the incident closes. Every deadline is met.
#
# Runs on a copy of this example in a temporary folder, with two real git repositories made there
# (the producer's and the consumer's), demo keys and fixed times. The committed ledger is untouched.
# It prints the deadlines and the restored baseline from `cutover status --json`, and the notice.
#
#   usage: examples/memorykernel-service-v3/rollback-demo.sh   (after npm run build)
set -euo pipefail
# shellcheck source=demo-repos.sh
source "$(dirname "${BASH_SOURCE[0]}")/demo-repos.sh"
demo_setup rollback-demo
# as <time> <role> <command…>: record as that role with its demo key, at that time.
as() {
  local at="$1" role="$2"
  shift 2
  cutover "$@" --as "$role" --key "$here/demo-keys/$role.pem" --at "$at" >/dev/null
}
step() { echo; echo "== $*"; }
# What status --json says, evaluated at <time>: the baseline, the phases, and each incident's deadlines.
show() {
  cutover status --json --at "$1" | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const t = (x) => x ? x.tag + " @ " + x.sha.slice(0, 12) : "none";
    const cutover = s.decisions.find((d) => d.id === "runtime-cutover");
    console.log("   runtime-cutover: " + cutover.outcome + (cutover.blockers.length ? " (blocked by " + cutover.blockers.join(", ") + ")" : ""));
    console.log("   baseline: " + t(s.baseline) + " " + JSON.stringify(s.baseline && s.baseline.contracts) + "; rollback target: " + t(s.rollbackTarget) +
      (s.target && s.target.rolledBack ? "; target " + t(s.target) + " rolled back by " + s.target.rolledBack.incident : ""));
    console.log("   phases: " + s.phases.map((p) => p.id + " " + p.status + " (" + p.reason + ")").join(", "));
    for (const i of [...s.incidents, ...s.closedIncidents]) {
      console.log("   " + i.id + " " + i.severity + " " + i.trigger + " " + i.status + (i.closedAt ? " " + i.closedAt : "") + " — deadlines at " + s.evaluatedAt + ":");
      for (const d of i.deadlines) {
        const how = d.status === "met" ? "met " + d.doneAt + ", " + d.margin + " before due " + d.due
          : d.status === "overdue" ? "OVERDUE by " + d.overdueBy + " (due " + d.due + (d.doneAt ? ", done " + d.doneAt : ", not done") + ")"
          : d.status === "pending" ? "pending: due " + d.due + ", " + d.margin + " left"
          : "waiting: due " + d.within + " after the rollback";
        console.log("     - " + d.title + ": " + how);
      }
      if (i.missing.length) console.log("     before it can close: " + i.missing.map((m) => m.what).join("; "));
    }'
}

# The producer's repository (v2.9.0 baseline, v3.0.0 target) and the consumer's, pinned to v2.9.0.
make_repos

step "0. GO: v3.0.0 published and verified, handed off, repinned, rollback proven, both GO; Phase 8 runs and completes, Phase 9 starts"
as 2026-02-09T09:00:00Z memorykernel-release-owner target publish --baseline --tag v2.9.0 --sha "$baseline_sha" --contract service=service.v2 --repo "$producer"
as 2026-02-09T09:01:00Z memorykernel-release-owner target publish --tag v3.0.0 --sha "$target_sha" --contract service=service.v3 --repo "$producer"
cutover handoff generate --out "$program/handoff.json" --at 2026-02-09T09:02:00Z >/dev/null
as 2026-02-09T09:02:00Z memorykernel-release-owner evidence add --kind handoff-payload --party memorykernel --file handoff.json
repin_consumer v3.0.0 "$target_sha" service.v3
as 2026-02-09T09:03:00Z assistsupport-runtime-owner evidence repin --party assistsupport --repo "$consumer" --commit HEAD
as 2026-02-09T09:04:00Z memorykernel-release-owner evidence add --kind rollback-execution --party memorykernel --verdict PASS --cwd "$producer_at_baseline" 2>/dev/null
as 2026-02-09T09:05:00Z assistsupport-runtime-owner evidence add --kind rollback-execution --party assistsupport --verdict PASS --cwd "$consumer_at_baseline" 2>/dev/null
as 2026-02-09T09:06:00Z memorykernel-release-owner verdict runtime-cutover GO --note "v3.0.0 verified; rollback proven"
as 2026-02-09T09:07:00Z assistsupport-runtime-owner verdict runtime-cutover GO
as 2026-02-10T08:00:00Z integration-program-owner phase start 8
as 2026-02-10T10:00:00Z integration-program-owner phase complete 8 --reason "v3.0.0 serving all traffic"
as 2026-02-10T10:05:00Z integration-program-owner phase start 9
show 2026-02-10T10:05:00Z

step "1. 15:45 in Berlin (14:45Z): AssistSupport's contract probe sees 503s without the error envelope; MemoryKernel's on-call declares INC-1 at 14:47Z"
as 2026-02-10T14:47:00Z memorykernel-incident-commander incident declare --id INC-1 --trigger envelope-mismatch --severity SEV-1 \
  --identified-at 2026-02-10T15:45:00+01:00 --summary "v3.0.0 returns 503 responses without the error envelope; AssistSupport falls back on every call"
show 2026-02-10T14:47:00Z

step "2. the initial notice at 14:55Z (due 15:00Z), the rollback recommended at 15:05Z (due 15:15Z) and executed at 15:10Z"
as 2026-02-10T14:55:00Z memorykernel-incident-commander incident notify INC-1 --next-update 30m \
  --action "AssistSupport on-call paged; joint bridge open" --action "promotion of v3.x frozen"
as 2026-02-10T15:05:00Z memorykernel-incident-commander incident recommend-rollback INC-1 --note "no safe workaround: roll back to v2.9.0"
git_in "$producer" checkout -q v2.9.0 # the producer serves the rollback target again
as 2026-02-10T15:10:00Z memorykernel-release-owner incident rollback-executed INC-1 --note "v2.9.0 redeployed"
show 2026-02-10T15:12:00Z

step "3. AssistSupport repins to v2.9.0 in one commit (evidence against the rollback target) and confirms at 15:25Z (due 15:40Z)"
repin_consumer v2.9.0 "$baseline_sha" service.v2
as 2026-02-10T15:20:00Z assistsupport-runtime-owner evidence repin --party assistsupport --repo "$consumer" --commit HEAD
as 2026-02-10T15:25:00Z assistsupport-runtime-owner incident confirm-repin INC-1

step "4. runs on both sides prove the restored baseline and the restored compatibility"
as 2026-02-10T15:30:00Z memorykernel-release-owner evidence run --party memorykernel --cwd "$producer" 2>/dev/null
as 2026-02-10T15:31:00Z assistsupport-runtime-owner evidence run --party assistsupport --cwd "$consumer" 2>/dev/null
show 2026-02-10T15:32:00Z

step "5. the joint summary the next morning, approved by both owners (due 14:45Z); then the incident closes"
as 2026-02-11T09:00:00Z assistsupport-incident-commander incident summary INC-1 \
  --summary "v3.0.0 dropped the error envelope on 503 responses; rolled back to v2.9.0 within 25 minutes of identification; no data loss" \
  --residual-risk "low: v3.0.1 must carry a contract test for the 503 envelope before a new GO"
as 2026-02-11T09:10:00Z memorykernel-release-owner incident approve INC-1
as 2026-02-11T09:20:00Z assistsupport-runtime-owner incident approve INC-1
as 2026-02-11T09:30:00Z memorykernel-incident-commander incident close INC-1 --note "closed at the joint review"
show 2026-02-11T12:00:00Z

step "6. the incident notice (cutover incident notice INC-1; --json for the versioned shape)"
cutover incident notice INC-1 --at 2026-02-11T12:00:00Z
cutover verify
