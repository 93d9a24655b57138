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
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${CUTOVER_BIN:-$here/../../bin/cutover.js}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cutover-evidence-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
program="$work/program" producer="$work/MemoryKernel" consumer="$work/AssistSupport"
cp -r "$here" "$program"
rm -f "$program"/*.sh

cutover() { node "$bin" -C "$program" "$@"; }
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
git_in() { local dir="$1"; shift; git -C "$dir" -c user.name=Demo -c user.email=demo@example.invalid -c commit.gpgsign=false -c tag.gpgsign=false "$@"; }

# The producer's repository: the baseline release, and the service.v3 release candidate.
git init -q -b main "$producer"
mkdir -p "$producer/ci"
printf 'echo "contract tests: 42 passed"\n' >"$producer/ci/contract-tests.sh"
echo "service.v2" >"$producer/VERSION"
git_in "$producer" add -A && git_in "$producer" commit -qm "service.v2"
git_in "$producer" tag -a v2.9.0 -m "service.v2 baseline"
echo "service.v3" >"$producer/VERSION"
git_in "$producer" commit -qam "service.v3"
git_in "$producer" tag -a v3.0.0 -m "service.v3 runtime target"
baseline_sha="$(git -C "$producer" rev-parse v2.9.0^{commit})"
target_sha="$(git -C "$producer" rev-parse v3.0.0^{commit})"

# The consumer's repository, still pinned to the baseline.
git init -q -b main "$consumer"
mkdir -p "$consumer/ci" "$consumer/config" "$consumer/docs" "$consumer/vendor/memorykernel"
printf 'echo "integration tests: 17 passed"\n' >"$consumer/ci/integration-tests.sh"
repin_consumer() { # <tag> <sha> <contract>: write every pin-set file for a target
  printf '{"contracts":["%s"],"producer":"memorykernel","release":"%s"}\n' "$3" "$1" >"$consumer/vendor/memorykernel/manifest.json"
  local manifest_sha
  manifest_sha="$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))' "$consumer/vendor/memorykernel/manifest.json")"
  printf '{"release_tag":"%s","commit_sha":"%s","expected_service_contract_version":"%s","manifest_sha256":"%s"}\n' "$1" "$2" "$3" "$manifest_sha" \
    >"$consumer/config/memorykernel-runtime-target.json"
  printf '| producer | tag | sha |\n| --- | --- | --- |\n| MemoryKernel | %s | %s |\n' "$1" "$2" >"$consumer/docs/RUNTIME_PIN.md"
  git_in "$consumer" add -A && git_in "$consumer" commit -qm "repin MemoryKernel to $1"
}
repin_consumer v2.9.0 "$baseline_sha" service.v2

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
as memorykernel-release-owner evidence add --kind rollback-execution --party memorykernel --verdict PASS --cwd "$producer"
as assistsupport-runtime-owner evidence add --kind rollback-execution --party assistsupport --verdict PASS --cwd "$consumer"
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
as memorykernel-release-owner evidence add --kind rollback-execution --party memorykernel --verdict PASS --cwd "$producer"
as assistsupport-runtime-owner evidence add --kind rollback-execution --party assistsupport --verdict PASS --cwd "$consumer"
as memorykernel-release-owner verdict runtime-cutover GO
as assistsupport-runtime-owner verdict runtime-cutover GO
blockers
cutover gate runtime-cutover --at 2026-02-09T12:00:00Z | head -1
cutover verify
