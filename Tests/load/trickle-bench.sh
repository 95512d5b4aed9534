#!/usr/bin/env bash
# Trickle benchmark: the Kannel endpoint under the kind of load real Kannel gives it — many keep-alive connections,
# requests arriving one by one at a steady rate (an open loop, unlike wrk's) — printing the server's CPU per request
# and the latency. Here per-request wake-ups and cold caches cost most: at 1,500 requests/s on the 2-core dev VM
# Faro spent 175–199 µs of CPU per request with a 2 ms commit delay and 121–131 µs with 20 ms, against ~47 µs under
# wrk. Quicker than Tests/e2e/kannel-throughput.sh, whose Kannel spends ~550 µs of the same 2 cores per message;
# use this one to compare builds, that one for the goal. Not part of `make test`.
#   Tests/load/trickle-bench.sh                     # 1,500 requests/s over 150 connections, 3 rounds of 10 s
#   RATE=800 CONNECTIONS=50 ROUNDS=5 FARO_BIN=/tmp/other-faro Tests/load/trickle-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-1500}; CONNECTIONS=${CONNECTIONS:-150}; SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-10}; PORT=${PORT:-18086}
if [ -z "${FARO_BIN:-}" ]; then swift build -c release --product faro >/dev/null; FARO_BIN=.build/release/faro; fi
work=$(mktemp -d); trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
FARO_RATE_LIMIT=off FARO_PSEUDONYM_KEY=trickle-bench-key-not-a-secret-01 "$FARO_BIN" serve --port "$PORT" \
  --db "$work/faro.sqlite" --log-level warning >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# The texts of wrk's Kannel mix, from random numbers; prints the requests answered and the latency percentiles.
cat >"$work/trickle.py" <<'PY'
import asyncio, random, re, sys, time
port, rate, seconds, connections = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
texts = re.findall(r'"([^"]+)"', re.search(r"local texts = \{(.*?)\}", open(sys.argv[5]).read(), re.S).group(1))
latencies = []
async def connection(queue):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while True:
        queued_at = await queue.get()
        number = "%2B52155" + str(random.randrange(10**7)).zfill(7)
        writer.write(("GET /channels/kannel?from=%s&to=5555&text=%s HTTP/1.1\r\nHost: faro\r\n\r\n"
                      % (number, random.choice(texts))).encode())
        head = (await reader.readuntil(b"\r\n\r\n")).lower()
        if not head.startswith(b"http/1.1 200"): sys.exit("unexpected answer: %r" % head[:40])
        await reader.readexactly(int(re.search(rb"content-length: *(\d+)", head).group(1)))
        latencies.append(time.monotonic() - queued_at)
async def main():
    queue = asyncio.Queue()
    workers = [asyncio.create_task(connection(queue)) for _ in range(connections)]
    start, sent = time.monotonic(), 0
    while time.monotonic() - start < seconds:
        due = int((time.monotonic() - start) * rate)
        for _ in range(due - sent): queue.put_nowait(time.monotonic())
        sent = max(sent, due)
        await asyncio.sleep(0.002)
    while len(latencies) < sent: await asyncio.sleep(0.01)
    latencies.sort()
    print(len(latencies), "%.1f ms" % (latencies[len(latencies) // 2] * 1e3), "%.1f ms" % (latencies[len(latencies) * 99 // 100] * 1e3))
asyncio.run(main())
PY
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }   # server CPU time so far, in clock ticks
python3 "$work/trickle.py" "$PORT" "$RATE" 3 "$CONNECTIONS" Tests/load/kannel-mix.lua >/dev/null   # warm-up
for round in $(seq "${ROUNDS:-3}"); do
  before=$(cpu)
  read -r answered p50 _ p99 _ < <(python3 "$work/trickle.py" "$PORT" "$RATE" "$SECONDS_PER_ROUND" "$CONNECTIONS" Tests/load/kannel-mix.lua)
  awk -v t=$(( $(cpu) - before )) -v n="$answered" -v hz="$(getconf CLK_TCK)" -v r="$round" -v p50="$p50" -v p99="$p99" -v rate="$RATE" \
    'BEGIN { printf "round %d: %d requests at %d/s, server CPU %.1f us/request, latency p50 %s ms, p99 %s ms\n", r, n, rate, t / hz * 1e6 / n, p50, p99 }'
done
