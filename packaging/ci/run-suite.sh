#!/usr/bin/env bash
# Runs a test suite on a throw-away Accelerate fleet on this CI machine: starts a coordinator on
# a loopback port chosen by the OS and one worker, submits the suite, waits for it, and writes the
# results JSON (docs/results-format.md). The nodes are stopped on every exit path.
#
# usage: run-suite.sh SUITE_JSON RESULTS_JSON
# env:   ACCEL_NODE (default accelerate-node), ACCELCTL (default accelctl),
#        ACCEL_LOG_DIR (default .): where coordinator.log and worker.log are kept,
#        ACCEL_START_TIMEOUT_SEC (default 30)
# exit:  0 when a valid results document was written (whatever the tests did: `accelctl report`
#        decides), 2 when the fleet did not start or no valid results came back.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 SUITE_JSON RESULTS_JSON" >&2
  exit 2
fi
suite=$1
results=$2
node=${ACCEL_NODE:-accelerate-node}
ctl=${ACCELCTL:-accelctl}
log_dir=${ACCEL_LOG_DIR:-.}
start_timeout=${ACCEL_START_TIMEOUT_SEC:-30}

work=$(mktemp -d)
data="$work/coordinator"
mkdir -p "$data" "$log_dir"
chmod 700 "$work" "$data"
token="$data/token"
# The coordinator's shared secret: 32 random bytes as hex, readable only by us. The worker and
# accelctl read it with --token-file; nothing passes it on a command line.
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$token")

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

"$node" --role coordinator --listen 127.0.0.1:0 --port-file "$work/port" --data-dir "$data" \
  --token-file "$token" >"$log_dir/coordinator.log" 2>&1 &
pids+=("$!")

deadline=$((SECONDS + start_timeout))
until [ -s "$work/port" ]; do
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "run-suite: the coordinator exited; its log:" >&2
    cat "$log_dir/coordinator.log" >&2
    exit 2
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "run-suite: the coordinator wrote no port file within ${start_timeout}s" >&2
    exit 2
  fi
  sleep 0.1
done
url="http://127.0.0.1:$(cat "$work/port")"
echo "run-suite: coordinator at $url"

"$node" --role worker --coordinator "$url" --token-file "$token" --allow-commands \
  --data-dir "$work/worker" >"$log_dir/worker.log" 2>&1 &
pids+=("$!")

set +e
"$ctl" --coordinator "$url" --token-file "$token" submit "$suite" --wait >"$results"
submit_status=$?
set -e
echo "run-suite: accelctl submit exited with $submit_status"
# Only a results document counts (accelctl report exits 2 on anything else), whatever submit did.
if [ ! -s "$results" ] || { "$ctl" report --input "$results" --format summary >/dev/null; [ $? -eq 2 ]; }; then
  echo "run-suite: no valid results were written; worker log:" >&2
  tail -n 50 "$log_dir/worker.log" >&2 || true
  exit 2
fi
exit 0
