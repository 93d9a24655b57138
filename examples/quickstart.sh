#!/usr/bin/env bash
# A new team's first runtime cutover, from nothing to GO with Phase 8 complete, in a temporary folder:
# a producer (MemoryKernel) and a consumer (AssistSupport), each a real git repository, and the program
# folder beside them. Every step is a plain cutover command; the README's "Start a program of your own"
# is this script, step by step.
#
#   usage: examples/quickstart.sh        (after npm run build; CUTOVER_BIN picks another build)
#          KEEP=1 examples/quickstart.sh keeps the folder and prints where it is
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${CUTOVER_BIN:-$here/../bin/cutover.js}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cutover-quickstart.XXXXXX")"
if [ -n "${KEEP:-}" ]; then echo "quickstart folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
# shell_words <arg>…: the arguments as you would type them, an argument with a space or a shell
# character in double quotes (", \, $ and ` escaped), so a printed line can be pasted and run.
shell_words() {
  local out='' arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
      out+=" $arg"
    else
      arg="${arg//\\/\\\\}" arg="${arg//\"/\\\"}" arg="${arg//\$/\\\$}" arg="${arg//\`/\\\`}"
      out+=" \"$arg\""
    fi
  done
  printf '%s' "${out# }"
}
# Each cutover command is printed before it runs, as you would type it in the program folder.
cutover() {
  printf '\n$ cutover %s\n' "$(shell_words "$@")" >&2
  node "$bin" "$@"
}
# git with a fixed author and no signing, whatever the user's configuration says.
g() { git -c user.name=Quickstart -c user.email=quickstart@example.invalid -c commit.gpgsign=false -c tag.gpgsign=false "$@"; }
# Private keys live outside every repository: here, under the temporary folder.
export CUTOVER_HOME="$work/home"
say() { printf '\n== %s\n' "$*"; }

say "two git repositories: the producer with its baseline v2.9.0 and its target v3.0.0, the consumer pinned to v2.9.0"
cd "$work"
g init -q -b main MemoryKernel
mkdir -p MemoryKernel/ci && echo 'echo "contract tests passed against $(cat VERSION)"' >MemoryKernel/ci/contract-tests.sh
echo service.v2 >MemoryKernel/VERSION
g -C MemoryKernel add -A && g -C MemoryKernel commit -qm "service.v2" && g -C MemoryKernel tag -a v2.9.0 -m "service.v2"
echo service.v3 >MemoryKernel/VERSION
g -C MemoryKernel commit -qam "service.v3" && g -C MemoryKernel tag -a v3.0.0 -m "service.v3"
baseline_sha="$(git -C MemoryKernel rev-parse 'v2.9.0^{commit}')" target_sha="$(git -C MemoryKernel rev-parse 'v3.0.0^{commit}')"

g init -q -b main AssistSupport
mkdir -p AssistSupport/ci AssistSupport/config AssistSupport/docs AssistSupport/vendor/memorykernel
echo 'echo "integration tests passed against $(grep -o "v[0-9.]*" docs/RUNTIME_PIN.md)"' >AssistSupport/ci/integration-tests.sh
# pin <tag> <sha> <contract>: the consumer's pin set (three files) names one producer release.
pin() {
  printf '{"release":"%s","contracts":["%s"]}\n' "$1" "$3" >AssistSupport/vendor/memorykernel/manifest.json
  local manifest_sha
  manifest_sha="$(sha256sum AssistSupport/vendor/memorykernel/manifest.json | cut -d' ' -f1)"
  printf '{"release_tag":"%s","commit_sha":"%s","expected_service_contract_version":"%s","manifest_sha256":"%s"}\n' "$1" "$2" "$3" "$manifest_sha" \
    >AssistSupport/config/memorykernel-runtime-target.json
  printf '| MemoryKernel | %s | %s |\n' "$1" "$2" >AssistSupport/docs/RUNTIME_PIN.md
}
pin v2.9.0 "$baseline_sha" service.v2
g -C AssistSupport add -A && g -C AssistSupport commit -qm "pin MemoryKernel v2.9.0"

mkdir program && cd program

# 1. Write the standard bilateral program: parties, five roles, the gates and phases 7–10.
cutover init --producer MemoryKernel --consumer AssistSupport --contract service.v3
# 2. Say where each party's git checkout is, so --repo and --cwd can be left out.
sed -i.orig 's|# checkout: |checkout: |' cutover.yaml && rm cutover.yaml.orig
# 3. One key per role (the five: memorykernel-incident-commander, assistsupport-incident-commander,
#    memorykernel-release-owner, assistsupport-runtime-owner, integration-program-owner), outside the
#    repository; each public key is written into its role's keys: in cutover.yaml.
cutover keys generate --all
# 4. Anchor cutover.yaml in the ledger (.cutover/ledger.jsonl): from now on, editing it needs program amend.
cutover program define --as integration-program-owner
# 5. Record the baseline, the release in production now: the rollback target that rollback evidence must prove.
cutover target publish --baseline --tag v2.9.0 --sha "$baseline_sha" --contract service=service.v2 --as memorykernel-release-owner
# 6. Phase 7, the decision checkpoint, opens.
cutover phase start 7 --as integration-program-owner
# 7. Publish the immutable target, verified in the producer's checkout (the tag must point at that SHA).
cutover target publish --tag v3.0.0 --sha "$target_sha" --contract service=service.v3 --as memorykernel-release-owner
# 8. The producer's handoff payload for that target, generated from the ledger and recorded.
cutover handoff generate --out handoff.json
cutover evidence add --kind handoff-payload --party memorykernel --file handoff.json --as memorykernel-release-owner
# 9. The consumer repins atomically (one commit changes every pin-set file) and records the commit.
(cd .. && pin v3.0.0 "$target_sha" service.v3 && g -C AssistSupport commit -qam "repin MemoryKernel to v3.0.0")
cutover evidence repin --party assistsupport --as assistsupport-runtime-owner
# 10. Each side runs its verification suite against the target; the run is recorded with its output digests.
cutover evidence run --party memorykernel --as memorykernel-release-owner
cutover evidence run --party assistsupport --as assistsupport-runtime-owner
# 11. Rollback evidence runs at the rollback target v2.9.0: cutover checks it out in a temporary worktree of
#     each checkout (the producer at its commit, the consumer at the commit before the repin), runs there, removes it.
cutover evidence add --kind rollback-execution --party memorykernel --verdict PASS --at-rollback-target --as memorykernel-release-owner
cutover evidence add --kind rollback-execution --party assistsupport --verdict PASS --at-rollback-target --as assistsupport-runtime-owner
# 12. Phase 7 closes with the decision recorded; both approvers sign GO for this target.
cutover phase close 7 --reason "decision recorded" --as integration-program-owner
cutover verdict runtime-cutover GO --as memorykernel-release-owner --note "v3.0.0 verified; rollback proven"
cutover verdict runtime-cutover GO --as assistsupport-runtime-owner
# 13. Phase 8, the runtime cutover, starts (its gates hold) and completes: v3.0.0 becomes the baseline.
cutover phase start 8 --as integration-program-owner
cutover phase complete 8 --reason "v3.0.0 serving all traffic" --as integration-program-owner
# 14. The one-line check CI runs: exit 0 when the runtime cutover is GO.
cutover gate runtime-cutover
