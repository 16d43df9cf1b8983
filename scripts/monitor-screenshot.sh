#!/usr/bin/env bash
# Renders the monitor window, with a service under a sample load, to a PNG for reviewers:
#
#   scripts/monitor-screenshot.sh [OUTPUT.png]      (default: build/monitor-screenshot.png)
#
# Builds build/ when a program is missing, then, in a temporary directory and on free
# loopback ports, starts the fake GitHub and the webhook receiver of tests/support and the
# real hookme, and sends a sample load in three runs of the service:
#   1. immediate runs: a repository delivered three times, and four repositories that GitHub
#      does not know, which fail at once (404);
#   2. a webhook that refuses connections: the repository's next task fails its delivery
#      and waits two minutes for its retry;
#   3. 90 s before a first run and RATE_LIMIT_MAX_SIMULTANEOUS_JOBS=6: a retry of a failed
#      task, sent as a monitor would send it (so that GitHub answers and tells its quota),
#      new tasks, requests folded into them, and requests throttled.
# Then it runs hookme-monitor offscreen (HOOKME_SCREENSHOT_XVFB=1: under xvfb-run, on X11)
# with a fresh settings directory, saves the window to the PNG, prints its path and stops
# everything it started. Environment: HOOKME_BUILD_DIR (default build).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
build_dir="${HOOKME_BUILD_DIR:-build}"
output="$(realpath -m "${1:-$build_dir/monitor-screenshot.png}")"

say() {
    echo "monitor-screenshot: $*" >&2
}

programs=("$build_dir/service/hookme" "$build_dir/monitor/hookme-monitor"
    "$build_dir/tests/support/hookme-fakegithub" "$build_dir/tests/support/hookme-webhook-receiver")
for program in "${programs[@]}"; do
    if [[ ! -x "$program" ]]; then
        say "building $build_dir"
        scripts/build.sh "$build_dir" -- -DHOOKME_BUILD_TESTS=ON -DHOOKME_BUILD_MONITOR=ON >&2
        break
    fi
done

work="$(mktemp -d)"
pids=()
cleanup() {
    # Only the processes this script started, by their ids.
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Waits until `file` has a line matching `pattern` and prints the first match's group 1.
wait_for() {
    local file="$1" pattern="$2" i
    for ((i = 0; i < 100; i++)); do
        if grep -qE "$pattern" "$file" 2>/dev/null; then
            sed -nE "s|.*$pattern.*|\1|p" "$file" | head -n 1
            return 0
        fi
        sleep 0.1
    done
    say "gave up waiting for /$pattern/ in $file:"
    cat "$file" >&2
    return 1
}

"$build_dir/tests/support/hookme-fakegithub" --port 0 --owner octo-org --repo hello-world \
    --issues 120 --contributors 12 >"$work/github.log" 2>&1 &
pids+=($!)
"$build_dir/tests/support/hookme-webhook-receiver" --port 0 >"$work/receiver.log" 2>&1 &
pids+=($!)
api_url="$(wait_for "$work/github.log" 'listening on (http://[0-9.:]+)')"
webhook_url="$(wait_for "$work/receiver.log" 'listening on (http://[^ ]+)')"
data_dir="$work/data"
socket="$data_dir/monitor.sock"

hookme_pid=""
port=""
# Starts hookme with the common settings plus the given ones (NAME=VALUE ...).
start_hookme() {
    local log="$work/hookme-$1.log"
    shift
    env API_URL="$api_url" WEBHOOK_URL="$webhook_url" DATA_DIR="$data_dir" PORT=0 \
        LISTEN_ADDRESS=127.0.0.1 RETRY_MAX_ATTEMPTS=3 MONITOR_SOCKET="$socket" "$@" \
        "$build_dir/service/hookme" >"$log" 2>&1 &
    hookme_pid=$!
    pids+=("$hookme_pid")
    port="$(wait_for "$log" 'listening on 127\.0\.0\.1:([0-9]+)')"
}

stop_hookme() {
    kill "$hookme_pid"
    wait "$hookme_pid" 2>/dev/null || true
}

# POSTs a task request; prints the answer's task id (empty when there is none).
submit() {
    curl -s -X POST "http://127.0.0.1:$port/tasks" -H 'Content-Type: application/json' \
        -d "{\"username\": \"$1\", \"repository\": \"$2\"}" |
        sed -nE 's/.*"id":"([^"]+)".*/\1/p'
}

# Waits until GET /tasks?state=STATE reports COUNT tasks.
wait_for_state() {
    local state="$1" count="$2" i
    for ((i = 0; i < 150; i++)); do
        if curl -s "http://127.0.0.1:$port/tasks?state=$state" |
            grep -q "\"total\":$count[,}]"; then
            return 0
        fi
        sleep 0.1
    done
    say "gave up waiting for $count $state tasks"
    return 1
}

say "run 1: deliveries and repositories GitHub does not know"
start_hookme 1 SCHEDULE_INTERVAL=0 RESCHEDULE_INTERVAL=500
for round in 1 2 3; do
    submit octo-org hello-world >/dev/null
    wait_for_state delivered "$round"
done
legacy_id="$(submit octo-org legacy-api)"
for name in old-website archived-tools private-docs; do
    submit octo-org "$name" >/dev/null
done
wait_for_state failed 4
stop_hookme

say "run 2: a webhook that refuses connections"
# A port that nothing listens on: bound for a moment, then let go.
closed_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"
start_hookme 2 SCHEDULE_INTERVAL=500 RESCHEDULE_INTERVAL=120000 \
    WEBHOOK_URL="http://127.0.0.1:$closed_port/hook"
retrying_id="$(submit octo-org hello-world)"
wait_for_state retrying 1
stop_hookme

say "run 3: new tasks, folded requests and throttled ones"
start_hookme 3 SCHEDULE_INTERVAL=90000 RESCHEDULE_INTERVAL=120000 \
    RATE_LIMIT_MAX_SIMULTANEOUS_JOBS=6
# A monitor's retry command, in the protocol of docs/monitor-protocol.md.
python3 - "$socket" "$legacy_id" <<'PYTHON'
import json, socket, sys

connection = socket.socket(socket.AF_UNIX)
connection.connect(sys.argv[1])
command = {"type": "retry", "v": 1, "id": "screenshot-1", "task_id": sys.argv[2]}
connection.sendall((json.dumps(command) + "\n").encode())
pending = b""
while True:
    chunk = connection.recv(65536)
    if not chunk:
        sys.exit("the service closed the connection before it answered")
    *lines, pending = (pending + chunk).split(b"\n")
    for line in lines:
        message = json.loads(line)
        if message["type"] == "result" and message["id"] == "screenshot-1":
            sys.exit(0 if message["ok"] else "retry refused: " + message["error"]["message"])
PYTHON
for ((i = 0; i < 100; i++)); do
    task="$(curl -s "http://127.0.0.1:$port/tasks/$legacy_id")"
    if grep -q '"attempts_made":2' <<<"$task" && grep -q '"state":"failed"' <<<"$task"; then
        break
    fi
    sleep 0.1
done
for name in api-gateway billing-service design-system mobile-app; do
    submit acme-corp "$name" >/dev/null
done
submit Octo-Org HELLO-WORLD >/dev/null
submit acme-corp API-Gateway >/dev/null
submit acme-corp api-gateway >/dev/null
submit acme-corp design-system >/dev/null
submit acme-corp search-indexer >/dev/null
for name in data-pipeline web-frontend analytics; do
    submit acme-corp "$name" >/dev/null
done
submit acme-corp billing-service >/dev/null

say "rendering the monitor"
monitor=(env XDG_CONFIG_HOME="$work/config" "$build_dir/monitor/hookme-monitor"
    --socket "$socket" --select "$retrying_id" --screenshot "$output" --screenshot-delay 2500)
if [[ "${HOOKME_SCREENSHOT_XVFB:-0}" == 1 ]]; then
    xvfb-run -a -s "-screen 0 1600x1000x24" "${monitor[@]}" >&2
else
    QT_QPA_PLATFORM=offscreen "${monitor[@]}" >&2
fi
echo "$output"
