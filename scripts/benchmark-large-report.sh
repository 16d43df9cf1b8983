#!/usr/bin/env bash
# Benchmark of one large report, end to end on 127.0.0.1: the fake GitHub serves a repository
# with BENCH_ISSUES (50,000) issues, hookme collects it, stores the report and delivers it to
# the test webhook receiver (which answers 204). While the task runs, GET /health is polled
# every 50 ms. Printed:
#   - the service's peak RSS during the task (VmHWM) and its RSS before the task;
#   - the report's size as the receiver got it, and how long the task took;
#   - the event loop's responsiveness: GET /health latency (max, p99, median) during the task.
# Numbers are reported, never judged: no threshold fails the run. It exits non-zero only if
# something does not start, or the task does not end delivered.
#
# Usage: scripts/benchmark-large-report.sh
# Environment (all optional):
#   HOOKME_BUILD_DIR     build directory with the service and test support programs (build)
#   BENCH_ISSUES         issues of the fake repository (default 50000; pull requests add 1/4)
#   BENCH_CONTRIBUTORS   contributors of the fake repository (default 40)
#   BENCH_POLL_MS        GET /health poll interval in ms (default 50)
#   BENCH_MAX_SECONDS    watchdog on the whole run (default 900)
#   BENCH_SECRET         WEBHOOK_SECRET for the run (default: a fixed test secret, so that
#                        signing is measured too; set it to "none" to deliver unsigned)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

BUILD_DIR=${HOOKME_BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$REPO_ROOT/$BUILD_DIR"
HOOKME_BIN=${HOOKME_BIN:-$BUILD_DIR/service/hookme}
FAKE_GITHUB_BIN=${FAKE_GITHUB_BIN:-$BUILD_DIR/tests/support/hookme-fakegithub}
RECEIVER_BIN=${RECEIVER_BIN:-$BUILD_DIR/tests/support/hookme-webhook-receiver}
ISSUES=${BENCH_ISSUES:-50000}
CONTRIBUTORS=${BENCH_CONTRIBUTORS:-40}
POLL_MS=${BENCH_POLL_MS:-50}
MAX_SECONDS=${BENCH_MAX_SECONDS:-900}
SECRET=${BENCH_SECRET:-whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}

for number in ISSUES CONTRIBUTORS POLL_MS MAX_SECONDS; do
    if ! [[ ${!number} =~ ^[1-9][0-9]*$ ]]; then
        echo "benchmark-large-report: $number must be a positive whole number, got '${!number}'" >&2
        exit 2
    fi
done
for binary in "$HOOKME_BIN" "$FAKE_GITHUB_BIN" "$RECEIVER_BIN"; do
    if [[ ! -x $binary ]]; then
        echo "benchmark-large-report: $binary is missing; build first:" \
             "cmake -S . -B build -G Ninja && cmake --build build" >&2
        exit 2
    fi
done
command -v curl >/dev/null || { echo "benchmark-large-report: curl is not installed" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------
# Processes and files of this run, removed on every exit.

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hookme-bench-large.XXXXXX")
PIDS=()
WATCHDOG_PID=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n $WATCHDOG_PID ]]; then
        kill -TERM "$WATCHDOG_PID" 2>/dev/null || true
        wait "$WATCHDOG_PID" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -f $WORK_DIR/service.log ]]; then
        echo "benchmark-large-report: failed (exit $status); last lines of the service log:" >&2
        tail -n 20 "$WORK_DIR/service.log" >&2 || true
    fi
    rm -rf "$WORK_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    echo "benchmark-large-report: $*" >&2
    exit 1
}

(
    trap 'kill "$sleep_pid" 2>/dev/null; exit 0' TERM
    sleep "$MAX_SECONDS" &
    sleep_pid=$!
    wait "$sleep_pid"
    echo "benchmark-large-report: watchdog: over ${MAX_SECONDS}s, stopping" >&2
    kill -TERM $$
) &
WATCHDOG_PID=$!

# wait_for_line FILE REGEX PID: the first capture group of REGEX in FILE, within 120 s.
wait_for_line() {
    local file=$1 regex=$2 pid=$3 value=""
    for _ in $(seq 1200); do
        kill -0 "$pid" 2>/dev/null || die "$(basename "$file" .log) exited: $(tail -n 5 "$file")"
        value=$(sed -n "s/$regex/\\1/p" "$file" | head -n 1)
        [[ -n $value ]] && { echo "$value"; return 0; }
        sleep 0.1
    done
    die "no line matching '$regex' in $file within 120 s"
}

mib() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }
rss_kib() { awk -v field="$1:" '$1 == field { print $2 }' "/proc/$SERVICE_PID/status"; }

# ---------------------------------------------------------------------------------------------
# The fake GitHub, the receiver and the service.

commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "machine: nproc $(nproc), kernel $(uname -r); commit $commit; $(date -u '+%Y-%m-%dT%H:%M:%SZ');" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $HOOKME_BIN; repository: $ISSUES issues, $((ISSUES / 4)) pull requests," \
     "$CONTRIBUTORS contributors; GET /health every $POLL_MS ms"

"$FAKE_GITHUB_BIN" --port 0 --owner bench --repo large --issues "$ISSUES" \
    --contributors "$CONTRIBUTORS" >"$WORK_DIR/github.log" 2>&1 &
PIDS+=($!)
github_url=$(wait_for_line "$WORK_DIR/github.log" '^fake GitHub listening on \(http[^ ]*\)$' "${PIDS[-1]}")

"$RECEIVER_BIN" --port 0 >"$WORK_DIR/receiver.log" 2>&1 &
PIDS+=($!)
receiver_url=$(wait_for_line "$WORK_DIR/receiver.log" \
                             '^webhook receiver listening on \(http[^ ]*\)$' "${PIDS[-1]}")

service_env=(WEBHOOK_URL="$receiver_url" API_URL="$github_url" PORT=0 LISTEN_ADDRESS=127.0.0.1
             DATA_DIR="$WORK_DIR/data" SCHEDULE_INTERVAL=0 RESCHEDULE_INTERVAL=1000
             WEBHOOK_TIMEOUT=120000)
[[ $SECRET != none ]] && service_env+=(WEBHOOK_SECRET="$SECRET")
env "${service_env[@]}" "$HOOKME_BIN" >"$WORK_DIR/service.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")
port=$(wait_for_line "$WORK_DIR/service.log" '.* listening on 127\.0\.0\.1:\([0-9][0-9]*\).*' \
                     "$SERVICE_PID")
BASE_URL="http://127.0.0.1:$port"

sleep 0.5
rss_before=$(rss_kib VmRSS)

# ---------------------------------------------------------------------------------------------
# One task; GET /health every POLL_MS ms until it ends.

answer=$(curl --silent --show-error --noproxy '*' --max-time 10 -H 'Content-Type: application/json' \
              --data '{"username":"bench","repository":"large"}' "$BASE_URL/tasks")
task_id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<<"$answer")
[[ -n $task_id ]] || die "POST /tasks answered: $answer"
started_ns=$(date +%s%N)

latencies="$WORK_DIR/latencies.txt"
: >"$latencies"
rss_max=0
state=""
poll=0
poll_seconds=$(awk -v ms="$POLL_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
while true; do
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during the task"
    # time_total in seconds; a failed request counts as its full time.
    curl --silent --noproxy '*' --max-time 30 --output /dev/null --write-out '%{time_total}\n' \
         "$BASE_URL/health" >>"$latencies" || true
    rss=$(rss_kib VmRSS)
    ((rss > rss_max)) && rss_max=$rss
    poll=$((poll + 1))
    if ((poll % 10 == 0)); then
        state=$(curl --silent --noproxy '*' --max-time 30 "$BASE_URL/tasks/$task_id" |
                    sed -n 's/.*"state":"\([a-z]*\)".*/\1/p')
        [[ $state == delivered || $state == failed || $state == cancelled ]] && break
    fi
    sleep "$poll_seconds"
done
task_ms=$((($(date +%s%N) - started_ns) / 1000000))
rss_peak=$(rss_kib VmHWM)
rss_after=$(rss_kib VmRSS)

[[ $state == delivered ]] || die "the task ended $state: $(curl --silent "$BASE_URL/tasks/$task_id")"

# The receiver prints one line per delivery: "<time> /hook <size> bytes".
report_bytes=""
for _ in $(seq 50); do
    report_bytes=$(sed -n 's/^[0-9T:.Z-]* \/hook \([0-9][0-9]*\) bytes$/\1/p' "$WORK_DIR/receiver.log" |
                       tail -n 1)
    [[ -n $report_bytes ]] && break
    sleep 0.1
done
[[ -n $report_bytes ]] || die "the receiver printed no delivery"

read -r lat_count lat_max lat_p99 lat_median < <(sort -g "$latencies" | awk '
    { v[NR] = $1 * 1000 }
    END { p99 = int(NR * 0.99); if (p99 < 1) p99 = 1; med = int((NR + 1) / 2)
          printf "%d %.0f %.0f %.0f\n", NR, v[NR], v[p99], v[med] }')

echo
echo "== summary"
echo "report: $report_bytes bytes ($(mib $((report_bytes / 1024))) MiB), task delivered in" \
     "$task_ms ms"
echo "memory: RSS before the task $(mib "$rss_before") MiB; peak RSS (VmHWM)" \
     "$(mib "$rss_peak") MiB; highest sampled RSS $(mib "$rss_max") MiB; after $(mib "$rss_after") MiB"
echo "event loop: GET /health latency over $lat_count polls: max $lat_max ms, p99 $lat_p99 ms," \
     "median $lat_median ms"
grep -E 'hookme\.(collector|scheduler|webhook)' "$WORK_DIR/service.log" | grep -v 'pages of issues' |
    tail -n 5 || true
