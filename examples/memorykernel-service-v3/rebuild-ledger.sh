#!/usr/bin/env bash
# Rebuilds .cutover/ledger.jsonl from nothing by running the cutover commands themselves, with the
# demo keys and fixed times. The result is byte-identical to the committed ledger (a test checks it):
# the example is the state at the end of Phase 7 of the seed record, a joint NO-GO on the cutover.
#
#   usage: examples/memorykernel-service-v3/rebuild-ledger.sh   (after npm run build)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# CUTOVER_BIN: another build of the CLI to run (the tests run a copy of this folder elsewhere).
cutover=(node "${CUTOVER_BIN:-$here/../../bin/cutover.js}" -C "$here")

rm -f "$here/.cutover/ledger.jsonl"

# as <role> <time> <command…>: record one event, signed with that role's demo key.
as() {
  local role="$1" at="$2"
  shift 2
  "${cutover[@]}" "$@" --as "$role" --key "$here/demo-keys/$role.pem" --at "$at" >/dev/null
}

as integration-program-owner   2026-02-02T09:00:00Z program define
as integration-program-owner   2026-02-02T09:05:00Z phase start 7
as memorykernel-release-owner  2026-02-06T14:00:00Z verdict rehearsal-continuation GO \
  --note "rehearsal evidence is sufficient to keep rehearsing against service.v3"
as assistsupport-runtime-owner 2026-02-06T15:30:00Z verdict rehearsal-continuation GO
as memorykernel-release-owner  2026-02-08T10:00:00Z verdict runtime-cutover NO-GO \
  --note "producer does not require additional pre-cutover evidence beyond agreed gates, but immutable runtime target publication and bilateral GO record are still required."
as assistsupport-runtime-owner 2026-02-08T10:20:00Z verdict runtime-cutover NO-GO \
  --note "consumer cannot repin before an immutable service.v3 runtime target is published."
as integration-program-owner   2026-02-08T11:00:00Z phase close 7 --reason "decision recorded"

echo "rebuilt $here/.cutover/ledger.jsonl"
