#!/usr/bin/env bash
# Governance as data: each rule of issue 13 refusing, then allowing. The program is amended (a signed
# program.amended event) with an approval quorum, separation of duties, approvals that expire, a
# cutover window in time, a minimum stabilization, weekly reviews, approved pairs for rollback and a
# vendored manifest pinned to the producer's own file. Then the story runs, and `status --json` is
# summarised after every step:
#   A. a vendored manifest that differs from the producer's is refused, the byte-identical one accepted
#   B. a second producer approver is needed            C. the publisher's own GO does not count
#   D. a GO expires (valid_for 72h)                   E. the window is closed, then opens
#   F. a review goes overdue, then is recorded          G. stabilization completes only after 14 days
#   H. the rollback target is refused until it is an approved pair
#
# Runs on a copy of this example in a temporary folder, with real git repositories, demo keys and
# fixed times. The committed ledger is untouched.
#
#   usage: examples/memorykernel-service-v3/policy-demo.sh   (after npm run build)
set -euo pipefail
# shellcheck source=demo-repos.sh
source "$(dirname "${BASH_SOURCE[0]}")/demo-repos.sh"
demo_setup policy-demo
key() { echo "$here/demo-keys/$1.pem"; }
# as <time> <role> <command…>: record as that role at that time; prints the refusal, never stops the demo.
as() {
  local at="$1" role="$2"
  shift 2
  if out="$(cutover "$@" --as "$role" --key "$(key "$role")" --at "$at" 2>&1)"; then
    echo "   ALLOWED: cutover $1 $2 … (as $role at $at)"
  else
    echo "   REFUSED: cutover $1 $2 … (as $role at $at)"
    printf '%s\n' "$out" | sed -n '1,6s/^/     | /p'
  fi
}
step() { echo; echo "== $*"; }
# What status --json says at <time>: the runtime-cutover approvals, the window, phases, reviews, pairs.
show() {
  cutover status --json --at "$1" | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const d = s.decisions.find((x) => x.id === "runtime-cutover");
    console.log("   status at " + s.evaluatedAt + ": runtime-cutover " + d.outcome);
    for (const [party, a] of Object.entries(d.approvals ?? {})) {
      console.log("     " + party + ": " + a.signed.length + " of " + a.required + (a.met ? " (met)" : ", missing " + a.missing + "; may still sign: " + (a.mayStillSign.join(", ") || "no one")) +
        a.notCounted.map((n) => "; not counted: " + n.role + " (" + n.reason + (n.expiredAt ? " at " + n.expiredAt : "") + ")").join(""));
    }
    const w = s.window;
    console.log("     window: " + w.time + (w.opensIn ? ", opens in " + w.opensIn : "") + (w.closesIn ? ", closes in " + w.closesIn : ""));
    console.log("     phases: " + s.phases.map((p) => p.id + " " + p.status + (p.canCompleteAt ? " (can complete at " + p.canCompleteAt + ")" : "")).join(", "));
    for (const r of s.reviews) console.log("     review of Phase " + r.phase + ": " + r.status + ", due " + r.due + (r.overdueBy ? ", overdue by " + r.overdueBy : ", " + r.margin + " left"));
    console.log("     approved pairs: " + (s.approvedPairs.map((p) => p.tag + " (" + Object.entries(p.repins).map(([c, x]) => c + " " + x.slice(0, 12)).join(", ") + ")").join("; ") || "none"));'
}

make_repos
# The producer's v3.0.1 carries its contract manifest; consumers vendor it byte for byte.
mkdir -p "$producer/contract"
printf '{"contracts":["%s"],"producer":"memorykernel","release":"%s"}\n' service.v3 v3.0.1 >"$producer/contract/manifest.json"
git_in "$producer" add -A && git_in "$producer" commit -qm "service.v3: contract manifest"
git_in "$producer" tag -a v3.0.1 -m "service.v3 runtime target"
target_sha="$(git -C "$producer" rev-parse v3.0.1^{commit})"

step "0. the governance rules are amended into the program (signed by the decision-log owner)"
node - "$program/cutover.yaml" "$here" <<'JS'
const [file, here] = process.argv.slice(2);
const fs = require('fs');
const YAML = require(require.resolve('yaml', { paths: [here] }));
const def = YAML.parse(fs.readFileSync(file, 'utf8'));
def.roles.push(
  { id: 'memorykernel-security-owner', title: 'MemoryKernel Security Owner', party: 'memorykernel', duties: ['approver', 'security'], keys: ['ed25519:2yFdpEPR/LsBWW77WB9y7Z6cXRwhcZXX5ELOTG6cNGg='] },
  { id: 'memorykernel-program-owner', title: 'MemoryKernel Program Owner', party: 'memorykernel', duties: ['approver'], keys: ['ed25519:lfz2SI0EK05vDGNTjk2s8WuKrcZElxYNucYKgt5MzgM='] },
);
const cutover = def.decisions.find((d) => d.id === 'runtime-cutover');
Object.assign(cutover, { approvals: { memorykernel: 2, default: 1 }, independent_of: ['target.published'], valid_for: '72h' });
def.window = { decision: 'runtime-cutover', opens: '2026-02-16T08:00:00Z', closes: '2026-02-20T18:00:00Z' };
Object.assign(def.phases.find((p) => p.id === '9'), { min_duration: '14d', review_every: '7d' });
def.compatibility = { rollback_to_approved_pair: true };
const vendored = def.parties.find((p) => p.id === 'assistsupport').pins.find((p) => p.file === 'vendor/memorykernel/manifest.json');
vendored.same_as_producer = 'contract/manifest.json';
fs.writeFileSync(file, YAML.stringify(def));
JS
as 2026-02-09T08:00:00Z integration-program-owner program amend --reason "issue 13: quorum, separation of duties, expiry, window, stabilization, reviews, approved pairs, vendored manifest"
as 2026-02-09T09:00:00Z memorykernel-release-owner target publish --baseline --tag v2.9.0 --sha "$baseline_sha" --contract service=service.v2 --repo "$producer"
as 2026-02-09T09:01:00Z memorykernel-release-owner target publish --tag v3.0.1 --sha "$target_sha" --contract service=service.v3 --repo "$producer"
cutover handoff generate --out "$program/handoff.json" --at 2026-02-09T09:02:00Z >/dev/null
as 2026-02-09T09:02:00Z memorykernel-release-owner evidence add --kind handoff-payload --party memorykernel --file handoff.json
as 2026-02-09T09:04:00Z memorykernel-release-owner evidence add --kind rollback-execution --party memorykernel --verdict PASS --cwd "$producer_at_baseline"
as 2026-02-09T09:05:00Z assistsupport-runtime-owner evidence add --kind rollback-execution --party assistsupport --verdict PASS --cwd "$consumer_at_baseline"

step "A. AssistSupport vendors a manifest that differs from the producer's (its own hash recorded, so the two agree with each other): refused; the byte-identical copy: accepted"
repin_consumer v3.0.1 "$target_sha" service.v3
printf '{"contracts":["service.v3","service.v4-draft"],"producer":"memorykernel","release":"v3.0.1"}\n' >"$consumer/vendor/memorykernel/manifest.json"
manifest_sha="$(sha256sum "$consumer/vendor/memorykernel/manifest.json" | cut -d' ' -f1)"
sed -i "s/\"manifest_sha256\":\"[0-9a-f]*\"/\"manifest_sha256\":\"$manifest_sha\"/" "$consumer/config/memorykernel-runtime-target.json"
git_in "$consumer" commit -qa --amend -m "repin MemoryKernel to v3.0.1 (hand-edited manifest)"
as 2026-02-09T10:00:00Z assistsupport-runtime-owner evidence repin --party assistsupport --repo "$consumer" --commit HEAD --producer-repo "$producer"
git_in "$consumer" reset -q --hard HEAD~1
repin_consumer v3.0.1 "$target_sha" service.v3
as 2026-02-09T10:05:00Z assistsupport-runtime-owner evidence repin --party assistsupport --repo "$consumer" --commit HEAD --producer-repo "$producer"

step "B. approvals: {memorykernel: 2}: the security owner's GO alone is not enough"
as 2026-02-10T09:00:00Z memorykernel-security-owner verdict runtime-cutover GO
as 2026-02-10T09:01:00Z assistsupport-runtime-owner verdict runtime-cutover GO
show 2026-02-10T09:01:00Z

step "C. independent_of: [target.published]: the release owner published v3.0.1, so its GO does not count; the program owner's does"
as 2026-02-10T09:02:00Z memorykernel-release-owner verdict runtime-cutover GO
show 2026-02-10T09:02:00Z
as 2026-02-10T09:03:00Z memorykernel-program-owner verdict runtime-cutover GO
show 2026-02-10T09:03:00Z

step "D. valid_for: 72h: the security owner's GO of 09:00 expires at 2026-02-13T09:00:00Z exactly; signing again counts"
show 2026-02-13T08:59:59Z
show 2026-02-13T09:00:00Z
as 2026-02-15T10:00:00Z memorykernel-security-owner verdict runtime-cutover GO
as 2026-02-15T10:01:00Z memorykernel-program-owner verdict runtime-cutover GO
as 2026-02-15T10:02:00Z assistsupport-runtime-owner verdict runtime-cutover GO
show 2026-02-15T10:02:00Z

step "E. the window opens at 2026-02-16T08:00:00Z: Phase 8 refused one second before, started exactly then"
as 2026-02-16T07:59:59Z integration-program-owner phase start 8
show 2026-02-16T07:59:59Z
as 2026-02-16T08:00:00Z integration-program-owner phase start 8
as 2026-02-16T10:00:00Z integration-program-owner phase complete 8 --reason "v3.0.1 serving all traffic"
as 2026-02-16T10:05:00Z integration-program-owner phase start 9
show 2026-02-16T10:05:00Z

step "F. review_every: 7d: the first review is due 2026-02-23T10:05:00Z; one second later it is overdue; recording one restarts the clock"
show 2026-02-23T10:05:01Z
as 2026-02-23T11:00:00Z integration-program-owner review record 9 --note "error rates flat; no envelope mismatches"
show 2026-02-23T11:00:00Z
as 2026-03-02T09:00:00Z integration-program-owner review record 9 --note "second week clean"

step "G. min_duration: 14d on Phase 9 (started 2026-02-16T10:05:00Z): completing it a second early is refused, at 14 days it completes"
as 2026-03-02T10:04:59Z integration-program-owner phase complete 9 --reason "stable for two weeks"
as 2026-03-02T10:05:00Z integration-program-owner phase complete 9 --reason "stable for two weeks"
show 2026-03-02T10:05:00Z

step "H. compatibility.rollback_to_approved_pair: an incident; the rollback to v2.9.0 is refused (only v3.0.1 is an approved pair) until v2.9.0 is listed"
as 2026-03-03T14:47:00Z memorykernel-incident-commander incident declare --id INC-1 --trigger envelope-mismatch --severity SEV-1 --summary "503s without the error envelope"
as 2026-03-03T14:50:00Z memorykernel-incident-commander incident recommend-rollback INC-1
baseline_repin="$(git -C "$consumer" rev-parse HEAD~1)"
node - "$program/cutover.yaml" "$here" "$baseline_sha" "$baseline_repin" <<'JS'
const [file, here, sha, repin] = process.argv.slice(2);
const fs = require('fs');
const YAML = require(require.resolve('yaml', { paths: [here] }));
const def = YAML.parse(fs.readFileSync(file, 'utf8'));
def.compatibility.approved = [{ tag: 'v2.9.0', sha, contracts: { service: 'service.v2' }, repins: { assistsupport: repin } }];
fs.writeFileSync(file, YAML.stringify(def));
JS
as 2026-03-03T14:51:00Z integration-program-owner program amend --reason "v2.9.0 with AssistSupport's v2.9.0 pin is an approved pair (ran together in production until 2026-02-16)"
as 2026-03-03T14:52:00Z memorykernel-incident-commander incident recommend-rollback INC-1
show 2026-03-03T14:52:00Z

step "the ledger verifies: every line re-decided against the policy in force before it"
cutover verify | sed 's/^/   /'
