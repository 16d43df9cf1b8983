#!/usr/bin/env bash
# Benchmark of the hookme service, measured in one run against one fresh service on 127.0.0.1:
#   1. intake throughput: wrk against GET /health (trivial route) and POST /tasks (every
#      request a new repository, so every one must answer 202), then a loose durability check:
#      the store's task total against the number of 202s wrk saw;
#   2. memory: the service's RSS with 0 tasks and with BENCH_TASKS (100,000) scheduled tasks,
#      and the size of the database files.
# Numbers are reported, never judged: no threshold fails the run. It exits non-zero only if
# wrk is missing, the service does not start, or a POST answers anything but 202.
#
# Usage: scripts/benchmark.sh
# Environment (all optional):
#   HOOKME_BIN          the service binary (default build/service/hookme; built if missing)
#   BENCH_THREADS       wrk threads (default 2)
#   BENCH_CONNECTIONS   wrk connections (default 32)
#   BENCH_DURATION      wrk duration of each intake run (default 10s)
#   BENCH_TASKS         scheduled tasks for the memory figure (default 100000)
#   BENCH_FILL_TIMEOUT  seconds allowed to reach BENCH_TASKS (default 900)
#   BENCH_MAX_SECONDS   watchdog on the whole run (default 1800)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
LUA_SCRIPT="$SCRIPT_DIR/benchmark/requests.lua"

HOOKME_BIN=${HOOKME_BIN:-$REPO_ROOT/build/service/hookme}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10s}
TARGET_TASKS=${BENCH_TASKS:-100000}
FILL_TIMEOUT=${BENCH_FILL_TIMEOUT:-900}
MAX_SECONDS=${BENCH_MAX_SECONDS:-1800}

for number in THREADS CONNECTIONS TARGET_TASKS FILL_TIMEOUT MAX_SECONDS; do
    if ! [[ ${!number} =~ ^[1-9][0-9]*$ ]]; then
        echo "benchmark: $number must be a positive whole number, got '${!number}'" >&2
        exit 2
    fi
done
if ! [[ $DURATION =~ ^[1-9][0-9]*[smh]?$ ]]; then
    echo "benchmark: BENCH_DURATION must look like 10s, got '$DURATION'" >&2
    exit 2
fi

# ---------------------------------------------------------------------------------------------
# Processes and files of this run, removed on every exit.

WORK_DIR=""
SERVICE_PID=""
WRK_PID=""
WATCHDOG_PID=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $WRK_PID ]] && kill -0 "$WRK_PID" 2>/dev/null; then
        kill -TERM "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    if [[ -n $SERVICE_PID ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
        kill -TERM "$SERVICE_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVICE_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVICE_PID" 2>/dev/null || true
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
    if [[ -n $WATCHDOG_PID ]]; then
        kill -TERM "$WATCHDOG_PID" 2>/dev/null || true
        wait "$WATCHDOG_PID" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -n $WORK_DIR && -f $WORK_DIR/service.log ]]; then
        echo "benchmark: failed (exit $status); last lines of the service log:" >&2
        grep -v 'hookme.http: accepted task' "$WORK_DIR/service.log" | tail -n 20 >&2 || true
    fi
    if [[ -n $WORK_DIR ]]; then
        rm -rf "$WORK_DIR"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    echo "benchmark: $*" >&2
    exit 1
}

# The whole run is bounded: past MAX_SECONDS the watchdog ends it, and cleanup runs.
(
    trap 'kill "$sleep_pid" 2>/dev/null; exit 0' TERM
    sleep "$MAX_SECONDS" &
    sleep_pid=$!
    wait "$sleep_pid"
    echo "benchmark: watchdog: over ${MAX_SECONDS}s, stopping" >&2
    kill -TERM $$
) &
WATCHDOG_PID=$!

# ---------------------------------------------------------------------------------------------
# Tools and the binary.

command -v wrk >/dev/null || die "wrk is not installed (Debian: apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"
[[ -f $LUA_SCRIPT ]] || die "missing $LUA_SCRIPT"

if [[ ! -x $HOOKME_BIN ]]; then
    case $HOOKME_BIN in
        */service/hookme) build_dir=${HOOKME_BIN%/service/hookme} ;;
        *) die "HOOKME_BIN=$HOOKME_BIN does not exist and is not <build dir>/service/hookme" ;;
    esac
    echo "benchmark: $HOOKME_BIN is missing; building it in $build_dir" >&2
    cmake -S "$REPO_ROOT" -B "$build_dir" -G Ninja -DHOOKME_BUILD_TESTS=OFF >&2
    cmake --build "$build_dir" --target hookme >&2
    [[ -x $HOOKME_BIN ]] || die "the build did not produce $HOOKME_BIN"
fi

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hookme-bench.XXXXXX")
DATA_DIR="$WORK_DIR/data"

# ---------------------------------------------------------------------------------------------
# Helpers.

BASE_URL=""  # set once the service listens

http_get() {  # http_get PATH: the body, or nothing and a non-zero status
    curl --silent --show-error --fail --noproxy '*' --max-time 10 "$BASE_URL$1"
}

task_total() {  # the "total" of GET /tasks?per_page=1
    local body total
    body=$(http_get '/tasks?per_page=1') || return 1
    total=$(sed -n 's/.*"total":\([0-9][0-9]*\).*/\1/p' <<<"$body")
    [[ -n $total ]] || { echo "benchmark: no total in: $body" >&2; return 1; }
    echo "$total"
}

rss_kib() {  # rss_kib FIELD: VmRSS or VmHWM of the service, in KiB
    awk -v field="$1:" '$1 == field { print $2 }' "/proc/$SERVICE_PID/status"
}

cpu_ticks() {  # user + system CPU time of the service, in clock ticks
    # The command name in field 2 may hold spaces: count fields after its closing parenthesis.
    sed 's/.*) //' "/proc/$SERVICE_PID/stat" | awk '{ print $12 + $13 }'
}
CLOCK_TICKS=$(getconf CLK_TCK)

# cpu_use TICKS_BEFORE TICKS_AFTER SECONDS REQUESTS: "P U", the service's CPU use as % of
# one core and its CPU time per request in microseconds. CPU time per request is the steadier
# figure on a busy machine, where the service may wait for a core.
cpu_use() {
    awk -v a="$1" -v b="$2" -v s="$3" -v n="$4" -v hz="$CLOCK_TICKS" 'BEGIN {
        cpu = (b - a) / hz
        printf "%s %s\n", (s > 0 ? sprintf("%.0f", 100 * cpu / s) : "n/a"),
                          (n > 0 ? sprintf("%.0f", 1e6 * cpu / n) : "n/a") }'
}

mib() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

service_alive() {
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited; its log follows"
}

# Values from one wrk output file.
wrk_rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
wrk_requests() { awk '/ requests in / { print $1 }' "$1"; }
wrk_non2xx() { awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' "$1"; }
wrk_socket_errors() { sed -n 's/^ *Socket errors: *//p' "$1"; }
lua_field() { sed -n "s/^lua: .*\\b$2=\\([^ ]*\\).*/\\1/p" "$1"; }

# start_wrk OUTPUT DURATION PATH ARGS...: wrk in the background (WRK_PID); ARGS go to the script.
start_wrk() {
    local output=$1 duration=$2 path=$3
    shift 3
    wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "$duration" \
        --timeout 10s --latency --script "$LUA_SCRIPT" "$BASE_URL$path" -- "$@" \
        >"$output" 2>&1 &
    WRK_PID=$!
}

finish_wrk() {
    local status=0
    wait "$WRK_PID" || status=$?
    WRK_PID=""
    [[ $status -eq 0 ]] || { cat "$1" >&2; die "wrk failed (exit $status)"; }
}

# ---------------------------------------------------------------------------------------------
# Start the service on a free port of 127.0.0.1 with a fresh DATA_DIR. No task runs: the
# first run is a day away, and every outside URL points at a closed local port anyway.

commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $commit != unknown && -n $(git -C "$REPO_ROOT" status --porcelain --untracked-files=no \
                                       2>/dev/null) ]]; then
    commit="$commit (work tree has uncommitted changes)"
fi
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
context="machine: nproc $(nproc), ${cpu:-unknown cpu}, kernel $(uname -r); commit $commit;"
context+=" $(date -u '+%Y-%m-%dT%H:%M:%SZ'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$context"
echo "binary: $HOOKME_BIN (built $(date -u -r "$HOOKME_BIN" '+%Y-%m-%dT%H:%M:%SZ'))"
echo "wrk: --threads $THREADS --connections $CONNECTIONS --duration $DURATION; tasks for the" \
     "memory figure: $TARGET_TASKS"
echo

# A cap on simultaneous tasks from the caller's environment would turn POSTs into 429s.
env -u RATE_LIMIT_MAX_SIMULTANEOUS_JOBS -u API_TOKEN \
    WEBHOOK_URL=http://127.0.0.1:9/hookme-benchmark \
    API_URL=http://127.0.0.1:9 \
    PORT=0 \
    LISTEN_ADDRESS=127.0.0.1 \
    DATA_DIR="$DATA_DIR" \
    SCHEDULE_INTERVAL=86400000 \
    RESCHEDULE_INTERVAL=86400000 \
    "$HOOKME_BIN" >"$WORK_DIR/service.log" 2>&1 &
SERVICE_PID=$!

port=""
for _ in $(seq 100); do
    service_alive
    port=$(sed -n 's/.* listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$WORK_DIR/service.log")
    [[ -n $port ]] && break
    sleep 0.1
done
[[ -n $port ]] || die "the service did not start listening within 10 s"
BASE_URL="http://127.0.0.1:$port"
http_get /health >/dev/null || die "GET /health failed"
[[ $(task_total) == 0 ]] || die "a fresh DATA_DIR holds tasks"

# ---------------------------------------------------------------------------------------------
# Memory with 0 tasks: after a short warm-up of the HTTP path.

for _ in $(seq 20); do
    http_get /health >/dev/null
done
sleep 0.5
rss_empty=$(rss_kib VmRSS)
echo "== memory, 0 tasks"
echo "RSS $(mib "$rss_empty") MiB after start and 20 GET /health"
echo

# ---------------------------------------------------------------------------------------------
# Intake throughput.

echo "== intake: GET /health"
ticks_before=$(cpu_ticks); started_ns=$(date +%s%N)
start_wrk "$WORK_DIR/get.txt" "$DURATION" /health get
finish_wrk "$WORK_DIR/get.txt"
read -r get_cpu get_cpu_us < <(cpu_use "$ticks_before" "$(cpu_ticks)" \
    "$(awk -v ns=$(($(date +%s%N) - started_ns)) 'BEGIN { print ns / 1e9 }')" \
    "$(wrk_requests "$WORK_DIR/get.txt")")
sed '/^lua:/d' "$WORK_DIR/get.txt"
service_alive
get_rps=$(wrk_rps "$WORK_DIR/get.txt")
get_other=$(lua_field "$WORK_DIR/get.txt" other)
echo "service CPU during the run: ${get_cpu}% of one core, ${get_cpu_us} us per request"
echo

echo "== intake: POST /tasks (a new repository per request)"
ticks_before=$(cpu_ticks); started_ns=$(date +%s%N)
start_wrk "$WORK_DIR/post.txt" "$DURATION" /tasks post intake
finish_wrk "$WORK_DIR/post.txt"
read -r post_cpu post_cpu_us < <(cpu_use "$ticks_before" "$(cpu_ticks)" \
    "$(awk -v ns=$(($(date +%s%N) - started_ns)) 'BEGIN { print ns / 1e9 }')" \
    "$(wrk_requests "$WORK_DIR/post.txt")")
sed '/^lua:/d' "$WORK_DIR/post.txt"
service_alive
post_rps=$(wrk_rps "$WORK_DIR/post.txt")
post_requests=$(wrk_requests "$WORK_DIR/post.txt")
post_non2xx=$(wrk_non2xx "$WORK_DIR/post.txt")
post_202=$(lua_field "$WORK_DIR/post.txt" ok)
post_other=$(lua_field "$WORK_DIR/post.txt" other)
post_statuses=$(lua_field "$WORK_DIR/post.txt" statuses)
post_socket_errors=$(wrk_socket_errors "$WORK_DIR/post.txt")
[[ -n $post_202 && -n $post_other ]] || die "no counts from $LUA_SCRIPT in the wrk output"

# wrk stops at the end of its duration with up to one request in flight per connection; the
# service still stores those, but wrk never counts their 202. Give them a moment to commit.
sleep 1
total_after_intake=$(task_total)
echo "service CPU during the run: ${post_cpu}% of one core, ${post_cpu_us} us per request"
echo "POST: $post_requests responses counted, $post_202 answered 202, $post_other answered" \
     "otherwise (statuses: $post_statuses); wrk's Non-2xx or 3xx responses: $post_non2xx"
if [[ -n $post_socket_errors ]]; then
    echo "POST: wrk socket errors: $post_socket_errors"
fi
unacknowledged=$((total_after_intake - post_202))
echo "durability: GET /tasks total $total_after_intake, 202s counted by wrk $post_202" \
     "(difference $unacknowledged; up to $CONNECTIONS requests cut off by wrk's stop may be" \
     "stored without their 202 being counted)"
durability_ok=yes
if ((unacknowledged < 0)); then
    durability_ok=no
    echo "durability: FAILED: $((-unacknowledged)) acknowledged tasks are not in the store"
elif ((unacknowledged > CONNECTIONS)); then
    # Not a lost task, so not a failure; wrk's socket errors (timeouts) can explain it.
    durability_ok="yes, but $unacknowledged more stored than acknowledged"
    echo "durability: NOTE: more tasks stored than 202s plus requests in flight"
fi
if ((post_other > 0 || post_non2xx > 0)); then
    die "POST /tasks answered something other than 202 (statuses: $post_statuses);" \
        "not going on to the memory figure"
fi
echo

# ---------------------------------------------------------------------------------------------
# Memory with TARGET_TASKS scheduled tasks: top up with wrk, each thread stopping after its
# share of 202s, so that the store overshoots by at most the requests in flight; then single
# requests make the count exact.

echo "== memory: filling the store to $TARGET_TASKS scheduled tasks"
fill_deadline=$((SECONDS + FILL_TIMEOUT))
fill_started=$SECONDS
round=0
total=$(task_total)
while ((total < TARGET_TASKS)); do
    ((SECONDS < fill_deadline)) || die "could not reach $TARGET_TASKS tasks in ${FILL_TIMEOUT}s" \
                                       "(at $total)"
    remaining=$((TARGET_TASKS - total))
    round=$((round + 1))
    if ((remaining > 2 * CONNECTIONS + THREADS)); then
        per_thread=$(((remaining - CONNECTIONS) / THREADS))
        goal=$((total + per_thread * THREADS))
        output="$WORK_DIR/fill-$round.txt"
        start_wrk "$output" "$((fill_deadline - SECONDS + 1))s" /tasks post "fill$round" \
                  "$per_thread"
        # wrk's threads stop on their own at their budget, but wrk itself sleeps out its
        # duration: end it (SIGINT, which still prints the results) once the store has the goal.
        # A store that stops growing for 15 s ends the round too (the fill then fails below).
        last_total=$total
        last_progress=$SECONDS
        while kill -0 "$WRK_PID" 2>/dev/null; do
            service_alive
            current=$(task_total) || die "GET /tasks failed while filling"
            if ((current != last_total)); then
                last_total=$current
                last_progress=$SECONDS
            fi
            if ((current >= goal || SECONDS >= fill_deadline || SECONDS - last_progress >= 15))
            then
                kill -INT "$WRK_PID" 2>/dev/null || true
                break
            fi
            sleep 0.2
        done
        finish_wrk "$output"
        other=$(lua_field "$output" other)
        if ((${other:-0} > 0)); then
            die "fill round $round: $other POSTs answered otherwise than 202" \
                "(statuses: $(lua_field "$output" statuses))"
        fi
        sleep 0.5  # requests cut off by the stop still commit
    else
        for i in $(seq "$remaining"); do
            status=$(curl --silent --noproxy '*' --max-time 10 --output /dev/null \
                          --write-out '%{http_code}' -H 'Content-Type: application/json' \
                          --data "{\"username\":\"hookme-bench\",\"repository\":\"top$round-$i\"}" \
                          "$BASE_URL/tasks") || true
            [[ $status == 202 ]] || die "fill round $round: a POST answered $status"
        done
    fi
    previous_total=$total
    total=$(task_total)
    echo "fill round $round: $total tasks"
    ((total > previous_total)) || die "fill round $round stored no task"
done
fill_seconds=$((SECONDS - fill_started))
echo "filled to $total tasks in ${fill_seconds}s"

# No load now; let the service settle, then read its memory.
sleep 2
service_alive
rss_full=$(rss_kib VmRSS)
rss_peak=$(rss_kib VmHWM)
db_bytes=$(stat -c %s "$DATA_DIR/hookme.db")
wal_bytes=$(stat -c %s "$DATA_DIR/hookme.db-wal" 2>/dev/null || echo 0)
echo "RSS $(mib "$rss_full") MiB with $total tasks (peak RSS of the run $(mib "$rss_peak") MiB)"
echo "database: hookme.db $(mib $((db_bytes / 1024))) MiB, hookme.db-wal" \
     "$(mib $((wal_bytes / 1024))) MiB"
echo

# ---------------------------------------------------------------------------------------------
# Summary.

echo "== summary"
echo "$context"
echo "intake: GET /health $get_rps req/s, POST /tasks $post_rps req/s," \
     "ratio $(ratio "$post_rps" "$get_rps")"
echo "intake: service CPU per request GET ${get_cpu_us} us, POST ${post_cpu_us} us" \
     "(GET ${get_cpu}%, POST ${post_cpu}% of one core)"
echo "intake: POST answers other than 202: $post_other (wrk Non-2xx or 3xx: $post_non2xx);" \
     "GET /health answers other than 200: ${get_other:-?}"
echo "durability: store total $total_after_intake vs 202s $post_202: $durability_ok"
echo "memory: RSS 0 tasks $(mib "$rss_empty") MiB, $total tasks $(mib "$rss_full") MiB," \
     "ratio $(ratio "$rss_full" "$rss_empty")"
echo "database: $(mib $(((db_bytes + wal_bytes) / 1024))) MiB on disk for $total tasks" \
     "(hookme.db $(mib $((db_bytes / 1024))) MiB + WAL $(mib $((wal_bytes / 1024))) MiB)"

if [[ $durability_ok == no ]]; then
    die "tasks acknowledged with 202 are missing from the store"
fi
