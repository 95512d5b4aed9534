#!/usr/bin/env bash
# Throughput through real Kannel (loopback): N MO messages injected by fakesmsc as fast as it can, answered by
# (1) a static responder that returns Faro's own reply text for that message, then (2) Faro itself
# (`$FARO_BIN serve`, release build, SQLite logging). Prints MO messages/second for each and the ratio.
#
#   FARO_BIN=.build/release/faro N=20000 ROUNDS=3 Tests/e2e/kannel-throughput.sh
#
# A benchmark, not a test: it prints figures. Loopback only; stops everything it started.
# On one machine Kannel is CPU-bound and shares the cores with the responder, so the ratio is close to
# (Kannel + static responder CPU per MO) / (Kannel + Faro CPU per MO); each run prints both CPU figures.
# Kannel's spool is on tmpfs (/dev/shm) here, not on disk as in the documented kannel.conf: on this VM's ext4,
# bearerbox spent most of its CPU allocating an inode for each spooled message (find_inode_bit, recently_deleted),
# more with every run as deleted inodes piled up — 547 -> 1,550 us per MO within one invocation, so the later run of
# each pair lost 3-19% (two identical static responders: 81, 97, 90%). On tmpfs Kannel costs ~500-580 us per MO,
# steady. At real SMS rates (a few messages a second) the disk spool costs nothing; keep it in production.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
N="${N:-20000}"
ROUNDS="${ROUNDS:-3}"
TEXT="${TEXT:-PELIGROS TAPACHULA}"
[ -n "${FARO_BIN:-}" ] || { echo "set FARO_BIN"; exit 2; }
FARO_BIN="$(cd "$(dirname "$FARO_BIN")" && pwd)/$(basename "$FARO_BIN")"
tmp="$(mktemp -d /tmp/faro-kannel-tput.XXXXXX)"
spool="$(mktemp -d /dev/shm/faro-kannel-spool.XXXXXX 2>/dev/null || mktemp -d "$tmp/spool.XXXXXX")"
pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  sleep 1; for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$tmp" "$spool"
}
trap cleanup EXIT

read -r admin_port box_port sendsms_port smsc_port app_port < <(python3 -c '
import socket; s=[socket.socket() for _ in range(5)]
[x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))')

# The documented kannel.conf with only the e2e-marked lines changed.
python3 - "$root/docs/kannel/kannel.conf" "$tmp/kannel.conf" "$admin_port" "$box_port" "$sendsms_port" "$smsc_port" "$app_port" "$tmp" "$spool" <<'PY'
import sys
src, dst, admin, box, send, smsc, app, tmp, spool = sys.argv[1:]
subst = {"admin-port": admin, "admin-password": "tput", "smsbox-port": box, "bearerbox-port": box,
         "sendsms-port": send, "port": smsc, "password": "tput", "store-location": '"%s"' % spool}
out, marked, logs = [], False, 0
for line in open(src).read().split("\n"):
    if marked:
        key, _, value = [x.strip() for x in line.partition("=")]
        if key in ("log-file", "access-log"):
            logs += 1; value = '"%s/kannel-%d.log"' % (tmp, logs)
        elif key == "get-url": value = value.replace("127.0.0.1:8080", "127.0.0.1:" + app)
        else: value = subst[key]
        line = "%s = %s" % (key, value); marked = False
    elif line.startswith("# e2e:"): marked = True
    # Quiet logs: this measures throughput, not behaviour.
    if line.strip().startswith("log-level"): line = "log-level = 4"
    out.append(line)
open(dst, "w").write("\n".join(out))
PY

# Faro's reply to TEXT, for the static responder.
reply="$("$FARO_BIN" ask --db "$tmp/probe.sqlite" --json "$TEXT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reply"], end="")')"
printf '%s' "$reply" > "$tmp/reply.txt"
cat > "$tmp/static.py" <<'PY'
import asyncio, sys
body = open(sys.argv[2], "rb").read()
head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
async def handle(reader, writer):
    try:
        while True:
            data = await reader.readuntil(b"\r\n\r\n")
            writer.write(head + body); await writer.drain()
    except Exception:
        writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]))
    async with server: await server.serve_forever()
asyncio.run(main())
PY

status() { curl -s "http://127.0.0.1:$admin_port/status.txt?password=tput" ; }
received() { status | sed -n 's/^SMS: received \([0-9]*\).*/\1/p'; }
outgoing() { status | sed -n 's/^SMS: received.*sent \([0-9]*\) (\([0-9]*\) queued).*/\1 \2/p'; }

run() {  # $1 = label; the responder must already listen on app_port
  # An empty spool each run, so no run inherits the spool directory's history from the runs before it.
  rm -rf "$spool"; mkdir -p "$spool"
  bearerbox "$tmp/kannel.conf" > "$tmp/bearerbox.out" 2>&1 & local bb=$!; pids+=($bb)
  for _ in $(seq 1 50); do status >/dev/null 2>&1 && break; sleep 0.1; done
  smsbox "$tmp/kannel.conf" > "$tmp/smsbox.out" 2>&1 & local sb=$!; pids+=($sb)
  for _ in $(seq 1 50); do status | grep -q "smsbox:" && break; sleep 0.1; done
  /usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$smsc_port" -i 0 -m "$N" -z 1 "52155<rand> 5555 text $TEXT" > "$tmp/fakesmsc.out" 2>&1 & local fk=$!; pids+=($fk)
  local start; start=$(date +%s.%N)
  local cpu_before; cpu_before=$(cpu "$responder")
  local last="" stable=0
  while true; do
    sleep 0.2
    local r; r=$(received || echo 0)
    local o; o=$(outgoing || echo "0 0")
    if [ "${r:-0}" -ge "$N" ] && [ "${o##* }" = 0 ] && [ "$o" = "$last" ]; then stable=$((stable+1)); else stable=0; fi
    last="$o"
    [ $stable -ge 2 ] && break
    awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN{exit !(n-s>120)}' && { echo "$1: timeout (received $r, out $o)"; break; }
  done
  local end; end=$(date +%s.%N)
  local cpu_used=$(( $(cpu "$responder") - cpu_before ))
  local kannel_cpu=$(( $(cpu $bb) + $(cpu $sb) ))
  kill -INT $fk 2>/dev/null || true
  curl -s "http://127.0.0.1:$admin_port/shutdown?password=tput" >/dev/null || true
  wait $bb $sb 2>/dev/null || true
  # Time to drain: remove the 0.4 s of stability checks.
  awk -v s="$start" -v e="$end" -v n="$N" -v label="$1" -v out="${last% *}" \
    -v cpu="$cpu_used" -v kcpu="$kannel_cpu" -v hz="$(getconf CLK_TCK)" \
    'BEGIN{t=e-s-0.4; printf "%s: %d MO answered (%d MT parts) in %.2f s = %.0f MO/s, responder CPU %.0f us/MO, Kannel CPU %.0f us/MO\n", label, n, out, t, n/t, cpu/hz*1e6/n, kcpu/hz*1e6/n}' | tee -a "$tmp/result"
}

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # CPU time of a process so far, in clock ticks
stop_responder() { kill "$responder" 2>/dev/null || true; wait "$responder" 2>/dev/null || true; }
logged() { [ -f "$tmp/faro.sqlite" ] && python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from exchanges").fetchone()[0])' "$tmp/faro.sqlite" || echo 0; }

measure() {  # static | faro: start that responder, run, stop it
  if [ "$1" = static ]; then
    python3 "$tmp/static.py" "$app_port" "$tmp/reply.txt" & responder=$!; pids+=($responder)
    sleep 0.5
    run "static responder"
    stop_responder
    return
  fi
  local logged_before; logged_before=$(logged)
  FARO_RATE_LIMIT=off "$FARO_BIN" serve --host 127.0.0.1 --port "$app_port" --db "$tmp/faro.sqlite" --log-level warning >> "$tmp/faro.log" 2>&1 & responder=$!; pids+=($responder)
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$app_port/healthz" >/dev/null && break; sleep 0.1; done
  kill -0 "$responder" 2>/dev/null || { echo "faro serve did not start:"; cat "$tmp/faro.log"; exit 1; }
  run "faro"
  stop_responder
  # Proof that Faro answered this run (an earlier version measured a static responder left on the port twice).
  echo "  faro logged $(( $(logged) - logged_before )) exchanges"
}

# Rounds of one static and one Faro run, one after the other: this machine's speed drifts by tens of percent within
# minutes, so each ratio compares two neighbouring runs, the order alternates (a steady drift favours neither), and
# the median ratio is the figure.
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then measure static; measure faro; else measure faro; measure static; fi
done
awk '{for(i=1;i<=NF;i++) if($i ~ /^MO\/s/) rate=$(i-1); if($1=="faro:") f[++n]=rate; else s[++m]=rate}
     END{for(k=1;k<=n;k++){q[k]=100*f[k]/s[k]; printf "round %d: faro / static: %.0f%%\n", k, q[k]}
         for(i=1;i<=n;i++) for(j=i+1;j<=n;j++) if(q[j]<q[i]){t=q[i];q[i]=q[j];q[j]=t}
         if(n>1) printf "median of %d rounds: faro / static: %.0f%%\n", n, (n%2 ? q[(n+1)/2] : (q[n/2]+q[n/2+1])/2)}' "$tmp/result"
