#!/usr/bin/env bash
# Load soak of the embedded Dataverse: dataset reads from `wrk` in another process on loopback.
#
#   cargo build --release -p dataverse-cli
#   scripts/soak.sh [DURATION] [CONNECTIONS] [THREADS]     # defaults: 180s 64 2
#
# Starts `dv serve` on a generated tree of 1,000 published datasets, reads them round-robin
# with wrk (GET /api/datasets/:persistentId), counts every answer that is not a 200 with a
# Dataverse OK envelope, and afterwards checks that the server still answers each dataset
# exactly as before the soak. Prints wrk's throughput and latency percentiles and the
# server's resident memory. Exits non-zero on any wrong answer.
set -euo pipefail

duration=${1:-180s}
connections=${2:-64}
threads=${3:-2}
dv=${DV_BIN:-$(dirname "$0")/../target/release/dv}
command -v wrk >/dev/null || { echo "soak: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x "$dv" ] || { echo "soak: no dv at $dv: cargo build --release -p dataverse-cli" >&2; exit 2; }

dir=$(mktemp -d)
port=${PORT:-18090}
url="http://127.0.0.1:$port"
"$dv" serve --data "$dir/store" --addr "127.0.0.1:$port" \
    --generate collections=20,datasets=1000,depth=2,seed=4 >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill -INT $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
    curl -sf "$url/api/info/version" >/dev/null && break
    sleep 0.2
done

DATAVERSE_URL=$url "$dv" collection crawl --only datasets --no-titles --output csv \
    | tail -n +2 | cut -d, -f5 >"$dir/pids"
echo "soak: $(wc -l <"$dir/pids") datasets, $connections connections, $threads threads, $duration"

# Reference answers for a sample, compared again after the soak.
head -n 50 "$dir/pids" | while read -r pid; do
    curl -sf "$url/api/datasets/:persistentId?persistentId=$pid"
    echo
done >"$dir/before.json"

cat >"$dir/reads.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
    pids = {}
    for line in io.lines(os.getenv("PIDS_FILE")) do pids[#pids + 1] = line end
    i = math.random(#pids)
    bad = 0
end
function request()
    i = i % #pids + 1
    return wrk.format("GET", "/api/datasets/:persistentId?persistentId=" .. pids[i])
end
function response(status, headers, body)
    if status ~= 200 or not string.find(body, '"status":"OK"', 1, true)
        or not string.find(body, '"datasetPersistentId"', 1, true) then
        bad = bad + 1
    end
end
function done(summary, latency, requests)
    local total_bad = 0
    for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
    io.write(string.format("wrong answers: %d\n", total_bad))
    io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d; non-2xx %d\n",
        summary.errors.connect, summary.errors.read, summary.errors.write,
        summary.errors.timeout, summary.errors.status))
    for _, p in ipairs({50, 90, 99, 99.9}) do
        io.write(string.format("latency p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
    end
end
LUA

PIDS_FILE="$dir/pids" wrk -t"$threads" -c"$connections" -d"$duration" --latency \
    -s "$dir/reads.lua" "$url" | tee "$dir/wrk.out"
echo "server RSS after the soak: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"

head -n 50 "$dir/pids" | while read -r pid; do
    curl -sf "$url/api/datasets/:persistentId?persistentId=$pid"
    echo
done >"$dir/after.json"
status=0
grep -q "^wrong answers: 0$" "$dir/wrk.out" || { echo "soak: wrong answers during the load" >&2; status=1; }
grep -q "socket errors" "$dir/wrk.out" && grep -q "non-2xx 0$" "$dir/wrk.out" || { echo "soak: errors during the load" >&2; status=1; }
cmp -s "$dir/before.json" "$dir/after.json" || { echo "soak: answers changed after the load" >&2; status=1; }
[ $status = 0 ] && echo "soak: every answer correct; the sample reads the same after the load"
exit $status
