#!/usr/bin/env bash
# Production evidence, the whole loop on loopback with short intervals, in a temporary folder:
#   exporter → Prometheus → cutover evidence analyze → the soak gate opens once its span is measured;
#   exporter → Prometheus rule → Alertmanager → cutover bridge alertmanager → an incident, identified
#   at the alert's startsAt; the alert resolves → a note, and the incident stays open.
# The example program is copied and amended: an automation role for the bridge (its own key), a
# trigger whose alerts: match HighErrorRate, incidents.automation.severities, and a metric-analysis
# gate (span 6s, max_gap 1m) under a decision of its own. Needs Debian's prometheus and
# prometheus-alertmanager (.ci/run installs them).
#
#   usage: examples/soak-demo.sh        (after npm run build; CUTOVER_BIN picks another build)
#          KEEP=1 examples/soak-demo.sh keeps the folder and prints where it is
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${CUTOVER_BIN:-$root/bin/cutover.js}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cutover-soak.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "soak-demo folder: $work"; fi
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }
cutover() {
  printf '\n$ cutover %s\n' "$*" >&2
  node "$bin" "$@"
}
# A port nothing listens on now.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# wait_for <what> <command…>: run the command every half second until it succeeds (at most 60 s).
wait_for() {
  local what="$1" i
  shift
  for i in $(seq 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "gave up waiting for $what" >&2
  return 1
}

program="$work/program"
cp -R "$root/examples/memorykernel-service-v3" "$program"
keys="$root/examples/memorykernel-service-v3/demo-keys"
export CUTOVER_HOME="$work/home"

say "an exporter whose error_ratio{service=\"api\"} is whatever $work/value says"
echo 0.001 >"$work/value"
exporter_port="$(free_port)"
node -e '
  const fs = require("fs");
  require("http").createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4", connection: "close" });
    res.end(`# TYPE error_ratio gauge\nerror_ratio{service="api"} ${fs.readFileSync(process.argv[1], "utf8").trim()}\n`);
  }).listen(Number(process.argv[2]), "127.0.0.1");
' "$work/value" "$exporter_port" &
pids+=($!)

say "the program amended: an automation role for the bridge, an alert trigger, a soak gate"
public_key="$(node --input-type=module -e '
  import { generateKeyPairSync } from "node:crypto";
  import { writeFileSync } from "node:fs";
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  writeFileSync(process.argv[1], privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  const raw = publicKey.export({ type: "spki", format: "der" }).subarray(-32);
  console.log("ed25519:" + raw.toString("base64"));
' "$work/alert-bridge.pem")"
(cd "$root" && node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  import { parse, stringify } from "yaml";
  const [file, key] = process.argv.slice(1);
  const def = parse(readFileSync(file, "utf8"));
  def.roles.push({ id: "alert-bridge", title: "Alertmanager bridge", party: "joint", duties: ["automation"], keys: [key] });
  def.incidents.automation = { severities: ["SEV-2", "SEV-3"] };
  def.incidents.triggers.push({ id: "error-rate", description: "Error ratio above 5% in production", severity: "SEV-2", action: "freeze",
    alerts: [{ labels: { alertname: "HighErrorRate" }, party: "memorykernel" }] });
  def.gates.push({ id: "soak", kind: "metric-analysis", parties: "producers", span: "6s", max_gap: "1m", query: "error_ratio{service=\"api\"}",
    text: "The stabilization soak is not measured yet.", owner: "integration-program-owner" });
  def.decisions.push({ id: "soak-check", title: "Stabilization soak", gates: ["soak"] });
  writeFileSync(file, stringify(def));
' "$program/cutover.yaml" "$public_key")
cutover -C "$program" program amend --reason "production evidence: alerts and the soak" --as integration-program-owner --key "$keys/integration-program-owner.pem"
cutover -C "$program" target publish --tag v3.0.0 --sha "$(printf 'ab%.0s' $(seq 20))" --contract service=service.v3 --as memorykernel-release-owner --key "$keys/memorykernel-release-owner.pem"

say "the bridge, Alertmanager and Prometheus (scrape 1s, evaluation 1s, group_wait 1s)"
node "$bin" -C "$program" bridge alertmanager --listen 127.0.0.1:0 --as alert-bridge --key "$work/alert-bridge.pem" >"$work/bridge.log" 2>&1 &
pids+=($!)
wait_for "the bridge" grep -q '^http://' "$work/bridge.log"
bridge_url="$(head -1 "$work/bridge.log")"
am_port="$(free_port)"
cat >"$work/alertmanager.yml" <<EOF
route: { receiver: cutover, group_by: [alertname], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }
receivers:
  - name: cutover
    webhook_configs: [{ url: "$bridge_url", send_resolved: true }]
EOF
prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am" --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= --log.level=warn 2>"$work/alertmanager.log" &
pids+=($!)
prom_port="$(free_port)"
cat >"$work/rules.yml" <<EOF
groups:
  - name: cutover
    rules:
      - alert: HighErrorRate
        expr: error_ratio > 0.05
        annotations: { summary: "error ratio above 5%" }
EOF
cat >"$work/prometheus.yml" <<EOF
global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ["$work/rules.yml"]
alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:$am_port"] }] }] }
scrape_configs: [{ job_name: exporter, static_configs: [{ targets: ["127.0.0.1:$exporter_port"] }] }]
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --web.listen-address="127.0.0.1:$prom_port" --log.level=warn 2>"$work/prometheus.log" &
pids+=($!)
prom="http://127.0.0.1:$prom_port"
wait_for "Alertmanager" curl -sf "http://127.0.0.1:$am_port/-/ready"
wait_for "Prometheus to have the series" sh -c "curl -sf '$prom/api/v1/query?query=error_ratio' | grep -q '\"service\":\"api\"'"

analyze() {
  cutover -C "$program" evidence analyze --party memorykernel --prometheus "$prom" --query 'error_ratio{service="api"}' \
    --success 'result < 0.01' --interval 1s --count 4 --as memorykernel-release-owner --key "$keys/memorykernel-release-owner.pem"
}
soak() { { node "$bin" -C "$program" gate soak-check --json || true; } | node -e '
  const g = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const soak = g.blockers.find((b) => b.gate === "soak");
  console.log("   soak gate: " + (soak === undefined ? "holds" : soak.details.join("; ")));'; }

say "a healthy soak, recorded in two parts: the gate sums them (span 6s, max_gap 1m)"
analyze
soak
analyze
soak

say "the error ratio rises: Prometheus fires HighErrorRate, Alertmanager posts it, the bridge declares the incident"
echo 0.2 >"$work/value"
wait_for "the incident" sh -c "node '$bin' -C '$program' log | grep -q incident.declared"
cat "$work/bridge.log"
cutover -C "$program" log | grep incident.declared
incident="$(node "$bin" -C "$program" status --json | node -e 'const s=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(s.incidents.find((i)=>i.trigger==="error-rate").id)')"
node -e 'fetch(process.argv[1]).then((r)=>r.json()).then((a)=>a.forEach((x)=>console.log("   Alertmanager: " + x.labels.alertname + " startsAt " + x.startsAt)))' "http://127.0.0.1:$am_port/api/v2/alerts"
cutover -C "$program" incident notice "$incident" | head -12

say "the error ratio falls back: the alert resolves, the bridge adds a note, the incident stays open (people close it)"
echo 0.001 >"$work/value"
wait_for "the resolution note" sh -c "node '$bin' -C '$program' log | grep -q incident.updated"
cutover -C "$program" log | grep incident.updated
node "$bin" -C "$program" status --json | node -e '
  const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const i of s.incidents) console.log("   open: " + i.id + " " + i.severity + " identified " + i.identifiedAt);'
cutover -C "$program" verify
