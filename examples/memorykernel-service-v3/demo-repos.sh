# Shared by the demo scripts (source it): a copy of this example program in a temporary folder,
# and real git repositories for the producer and the consumer, built the same way on every run.
#   demo_setup <name>   sets here, bin, work, program, producer, consumer; removes $work on exit
#   cutover …           the CLI on the copied program
#   git_in <dir> …      git with a fixed author, committer and date (so every SHA is the same each run)
#   make_repos          the producer's repo (v2.9.0 baseline, v3.0.0 target) and the consumer's, pinned to v2.9.0;
#                       sets baseline_sha and target_sha, and producer_at_baseline and consumer_at_baseline:
#                       checkouts (git worktrees) where rollback evidence runs, the producer at v2.9.0 and the
#                       consumer at the commit that pins v2.9.0
#   repin_consumer <tag> <sha> <contract>   one commit changing every pin-set file to that target

demo_setup() {
  here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
  bin="${CUTOVER_BIN:-$here/../../bin/cutover.js}"
  work="$(mktemp -d "${TMPDIR:-/tmp}/cutover-$1.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  program="$work/program" producer="$work/MemoryKernel" consumer="$work/AssistSupport"
  cp -r "$here" "$program"
  rm -f "$program"/*.sh
}

cutover() { node "$bin" -C "$program" "$@"; }

git_in() {
  local dir="$1"
  shift
  GIT_AUTHOR_DATE="2026-02-01T00:00:00Z" GIT_COMMITTER_DATE="2026-02-01T00:00:00Z" \
    git -C "$dir" -c user.name=Demo -c user.email=demo@example.invalid -c commit.gpgsign=false -c tag.gpgsign=false "$@"
}

make_repos() {
  git_in "$work" init -q -b main "$producer"
  mkdir -p "$producer/ci"
  printf 'echo "contract tests: 42 passed against $(cat VERSION)"\n' >"$producer/ci/contract-tests.sh"
  echo "service.v2" >"$producer/VERSION"
  git_in "$producer" add -A && git_in "$producer" commit -qm "service.v2"
  git_in "$producer" tag -a v2.9.0 -m "service.v2 baseline"
  echo "service.v3" >"$producer/VERSION"
  git_in "$producer" commit -qam "service.v3"
  git_in "$producer" tag -a v3.0.0 -m "service.v3 runtime target"
  baseline_sha="$(git -C "$producer" rev-parse v2.9.0^{commit})"
  target_sha="$(git -C "$producer" rev-parse v3.0.0^{commit})"

  git_in "$work" init -q -b main "$consumer"
  mkdir -p "$consumer/ci" "$consumer/config" "$consumer/docs" "$consumer/vendor/memorykernel"
  printf 'echo "integration tests: 17 passed against $(sed -n "s/.*\\"release_tag\\":\\"\\([^\\"]*\\)\\".*/\\1/p" config/memorykernel-runtime-target.json)"\n' >"$consumer/ci/integration-tests.sh"
  repin_consumer v2.9.0 "$baseline_sha" service.v2

  producer_at_baseline="$work/MemoryKernel-v2.9.0" consumer_at_baseline="$work/AssistSupport-v2.9.0"
  git -C "$producer" worktree add -q --detach "$producer_at_baseline" v2.9.0
  git -C "$consumer" worktree add -q --detach "$consumer_at_baseline" HEAD
}

repin_consumer() {
  printf '{"contracts":["%s"],"producer":"memorykernel","release":"%s"}\n' "$3" "$1" >"$consumer/vendor/memorykernel/manifest.json"
  local manifest_sha
  manifest_sha="$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))' "$consumer/vendor/memorykernel/manifest.json")"
  printf '{"release_tag":"%s","commit_sha":"%s","expected_service_contract_version":"%s","manifest_sha256":"%s"}\n' "$1" "$2" "$3" "$manifest_sha" \
    >"$consumer/config/memorykernel-runtime-target.json"
  printf '| producer | tag | sha |\n| --- | --- | --- |\n| MemoryKernel | %s | %s |\n' "$1" "$2" >"$consumer/docs/RUNTIME_PIN.md"
  git_in "$consumer" add -A && git_in "$consumer" commit -qm "repin MemoryKernel to $1"
}
