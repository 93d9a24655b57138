#!/usr/bin/env bash
# The seed's four blockers, cleared one by one with evidence the tool checks for itself, then
# brought back by a new target (which makes every piece of evidence stale), then cleared again.
#
# Runs on a copy of this example in a temporary folder, with two real git repositories made there
# (the producer's and the consumer's), demo keys and fixed times. The committed ledger is untouched.
# After each step it prints the blockers from `cutover status --json`.
#
#   usage: examples/memorykernel-service-v3/evidence-demo.sh   (after npm run build)
set -euo pipefail
# shellcheck source=demo-repos.sh
source "$(dirname "${BASH_SOURCE[0]}")/demo-repos.sh"
demo_setup evidence-demo
clock=0
# as <role> <command…>: record as that role with its demo key, one minute after the previous step.
as() {
  local role="$1"
  shift
  clock=$((clock + 1))
  cutover "$@" --as "$role" --key "$here/demo-keys/$role.pem" --at "$(printf '2026-02-09T09:%02d:00Z' "$clock")" >/dev/null
}
# Print what status --json says blocks Phase 8 now.
blockers() {
  cutover status --json --at 2026-02-09T12:00:00Z | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const list = s.blockers.map((b) => b.gate + (b.missing.length ? " (missing: " + b.missing.join("; ") + ")" : ""));
    console.log("   blockers before Phase " + s.nextPhase + ": " + (list.length ? list.join(", ") : "none"));'
}
step() { echo; echo "== $*"; }

# The producer's repository (v2.9.0 baseline, v3.0.0 target) and the consumer's, pinned to v2.9.0.
make_repos

step "0. the seed's state: a joint NO-GO at the end of Phase 7"
blockers

step "1. the producer publishes the immutable target, verified in its repository (and the baseline to roll back to)"
as memorykernel-release-owner target publish --baseline --tag v2.9.0 --sha "$baseline_sha" --contract service=service.v2 --repo "$producer"
as memorykernel-release-owner target publish --tag v3.0.0 --sha "$target_sha" --contract service=service.v3 --repo "$producer"
blockers

step "2. the producer's handoff payload for that target, generated and checked"
cutover handoff generate --out "$program/handoff.json" --at 2026-02-09T09:10:00Z >/dev/null
as memorykernel-release-owner evidence add --kind handoff-payload --party memorykernel --file handoff.json
blockers

step "3. the consumer repins atomically: one commit changing every pin-set file to v3.0.0"
repin_consumer v3.0.0 "$target_sha" service.v3
as assistsupport-runtime-owner evidence repin --party assistsupport --repo "$consumer" --commit HEAD
blockers

step "4. both sides roll back and verify the restored baseline"
as memorykernel-release-owner evidence add --kind rollback-execution --party memorykernel --verdict PASS --cwd "$producer_at_baseline"
as assistsupport-runtime-owner evidence add --kind rollback-execution --party assistsupport --verdict PASS --cwd "$consumer_at_baseline"
blockers

step "5. both approvers sign GO for this target"
as memorykernel-release-owner verdict runtime-cutover GO --note "v3.0.0 verified; rollback proven"
as assistsupport-runtime-owner verdict runtime-cutover GO
blockers
cutover gate runtime-cutover --at 2026-02-09T12:00:00Z | head -1

step "6. a fix ships as v3.0.1, published before it is verified: every piece of evidence goes stale"
echo "service.v3 + fix" >"$producer/VERSION"
git_in "$producer" commit -qam "service.v3 fix"
git_in "$producer" tag -a v3.0.1 -m "service.v3 runtime target, fixed"
fixed_sha="$(git -C "$producer" rev-parse v3.0.1^{commit})"
as memorykernel-release-owner target publish --tag v3.0.1 --sha "$fixed_sha" --contract service=service.v3 2>/dev/null
blockers

step "7. verified, re-handed-off, repinned, rolled back and approved again for v3.0.1"
as memorykernel-release-owner target verify --repo "$producer"
cutover handoff generate --out "$program/handoff.json" --at 2026-02-09T09:30:00Z >/dev/null
as memorykernel-release-owner evidence add --kind handoff-payload --party memorykernel --file handoff.json
repin_consumer v3.0.1 "$fixed_sha" service.v3
as assistsupport-runtime-owner evidence repin --party assistsupport --repo "$consumer" --commit HEAD
as memorykernel-release-owner evidence add --kind rollback-execution --party memorykernel --verdict PASS --cwd "$producer_at_baseline"
as assistsupport-runtime-owner evidence add --kind rollback-execution --party assistsupport --verdict PASS --cwd "$consumer_at_baseline"
as memorykernel-release-owner verdict runtime-cutover GO
as assistsupport-runtime-owner verdict runtime-cutover GO
blockers
cutover gate runtime-cutover --at 2026-02-09T12:00:00Z | head -1
cutover verify
