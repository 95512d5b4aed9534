#!/usr/bin/env bash
# End-to-end test of Faro behind a real Kannel 1.4.5 (Debian packages kannel + kannel-extras), loopback only.
#
#   FARO_BIN=.build/debug/faro Tests/e2e/kannel-e2e.sh
#
# Starts bearerbox + smsbox with docs/kannel/kannel.conf (only ports, paths and passwords changed), Faro
# (`$FARO_BIN serve --host 127.0.0.1 --port N $FARO_SERVE_ARGS`, default args `--db TMP/faro.sqlite`), and a small
# recording proxy between Kannel and Faro that keeps each exact reply (status, headers, body). Each MO message is
# injected with its own fakesmsc process (`-m 1`; fakesmsc picks at random among several), which also receives
# the MT parts. Then, for every message:
#   - Faro received the MO text intact (accents, emoji, + and &);
#   - Faro answered 200 text/plain, with X-Kannel-Coding: 2 exactly when the reply needs UCS-2, never empty;
#   - the subscriber got every part, in order, with a consistent concatenation header, in the coding Faro asked
#     for, no '?' that Faro did not write, no part starting or ending inside a surrogate pair, and the parts joined
#     are exactly Faro's reply.
# A flood from one number (Faro started with FARO_RATE_LIMIT=3/3600): three answers, one notice, then nothing
# reaches the phone (Faro's empty 200 + omit-empty), never "<Empty reply from service provider>".
# Also: sendsms alerts (GSM-7 and UCS-2, long) reach fakesmsc whole; and a control check that Kannel itself still
# cuts an unpadded emoji at the 67-unit boundary (the reason Faro pads UCS-2 parts).
# Prints "N passed, N failed"; exits non-zero on any failure. Stops everything it started.
#
# Environment: FARO_BIN (required), FARO_SERVE_ARGS, E2E_MESSAGES (file, one MO text per line, replaces the default
# list), KEEP=1 keeps the temp dir with all logs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
conf_template="$root/docs/kannel/kannel.conf"
fakesmsc=/usr/lib/kannel/test/fakesmsc

for tool in bearerbox smsbox python3 curl; do
  command -v "$tool" >/dev/null || { echo "kannel-e2e: $tool not found (apt-get install kannel kannel-extras curl)"; exit 2; }
done
[ -x "$fakesmsc" ] || { echo "kannel-e2e: $fakesmsc not found (apt-get install kannel-extras)"; exit 2; }
[ -n "${FARO_BIN:-}" ] || { echo "kannel-e2e: set FARO_BIN to the faro executable"; exit 2; }
FARO_BIN="$(cd "$(dirname "$FARO_BIN")" && pwd)/$(basename "$FARO_BIN")"
[ -x "$FARO_BIN" ] || { echo "kannel-e2e: FARO_BIN=$FARO_BIN is not executable"; exit 2; }
[ -f "$conf_template" ] || { echo "kannel-e2e: $conf_template missing"; exit 2; }

tmp="$(mktemp -d /tmp/faro-kannel-e2e.XXXXXX)"
pids=()
cleanup() {
  local status=$?
  # Children in reverse start order: Faro and the proxy first, then smsbox, then bearerbox.
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ] || [ $status -ne 0 ]; then echo "kannel-e2e: logs kept in $tmp"; else rm -rf "$tmp"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports: admin, box, sendsms, fake SMSC, proxy, Faro.
read -r admin_port box_port sendsms_port smsc_port proxy_port faro_port < <(python3 - <<'EOF'
import socket
socks = []
for _ in range(6):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
admin_pw="e2e-admin-$RANDOM$RANDOM"
sendsms_pw="e2e-send-$RANDOM$RANDOM"
mkdir -p "$tmp/spool"

# The documented config with only the e2e-marked lines changed.
python3 - "$conf_template" "$tmp/kannel.conf" <<EOF
import re, sys
src, dst = sys.argv[1], sys.argv[2]
subst = {
    "admin-port": "$admin_port", "admin-password": "$admin_pw", "smsbox-port": "$box_port",
    "bearerbox-port": "$box_port", "sendsms-port": "$sendsms_port", "port": "$smsc_port",
    "password": "$sendsms_pw", "store-location": '"$tmp/spool"',
}
out, marked, logs = [], False, 0
for line in open(src).read().split("\n"):
    if marked:
        key, _, value = [x.strip() for x in line.partition("=")]
        if key in ("log-file", "access-log"):
            logs += 1
            value = '"$tmp/kannel-%d.log"' % logs
        elif key == "get-url":
            assert "127.0.0.1:8080" in value, value
            value = value.replace("127.0.0.1:8080", "127.0.0.1:$proxy_port")
        elif key in subst:
            value = subst[key]
        else:
            sys.exit("kannel-e2e: no substitution for e2e-marked key " + key)
        line = "%s = %s" % (key, value)
        marked = False
    elif line.startswith("# e2e:"):
        marked = True
    out.append(line)
open(dst, "w").write("\n".join(out))
EOF

echo "kannel-e2e: ports admin=$admin_port box=$box_port sendsms=$sendsms_port smsc=$smsc_port proxy=$proxy_port faro=$faro_port; temp $tmp"

# Faro.
# shellcheck disable=SC2086
FARO_RATE_LIMIT="${FARO_RATE_LIMIT:-3/3600}" "$FARO_BIN" serve --host 127.0.0.1 --port "$faro_port" ${FARO_SERVE_ARGS:---db "$tmp/faro.sqlite"} >"$tmp/faro.log" 2>&1 &
pids+=($!)

# Recording proxy Kannel -> Faro.
cat >"$tmp/proxy.py" <<'EOF'
import base64, http.client, json, sys, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
listen, upstream, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def forward(self, body):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
        try:
            conn.request(self.command, self.path, body=body if self.command == "POST" else None, headers=headers)
            r = conn.getresponse(); data = r.read(); status = r.status; rh = r.getheaders()
        except Exception as e:
            status, rh, data = 599, [], str(e).encode()
        finally:
            conn.close()
        with lock, open(out, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "status": status,
                                "headers": {k.lower(): v for k, v in rh}, "body": base64.b64encode(data).decode()}) + "\n")
        self.send_response(status if status != 599 else 502)
        for k, v in rh:
            if k.lower() not in ("content-length", "connection", "date", "server", "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self): self.forward(None)
    def do_POST(self): self.forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", listen), Proxy).serve_forever()
EOF
python3 "$tmp/proxy.py" "$proxy_port" "$faro_port" "$tmp/replies.jsonl" >"$tmp/proxy.log" 2>&1 &
pids+=($!)

# Kannel.
bearerbox "$tmp/kannel.conf" >"$tmp/bearerbox.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$admin_port/status.txt?password=$admin_pw" >/dev/null 2>&1 && break; sleep 0.1
done
smsbox "$tmp/kannel.conf" >"$tmp/smsbox.out" 2>&1 &
pids+=($!)

wait_for() { # description, seconds, command...
  local what=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "kannel-e2e: $what not ready after ${secs}s"; tail -5 "$tmp"/*.out "$tmp/faro.log" 2>/dev/null; exit 1; fi
    sleep 0.1
  done
}
kannel_ready() {
  curl -sf "http://127.0.0.1:$admin_port/status.txt?password=$admin_pw" | grep -q "smsbox:" &&
  curl -s -o /dev/null "http://127.0.0.1:$sendsms_port/cgi-bin/sendsms"
}
wait_for "Kannel" 10 kannel_ready
wait_for "Faro (/healthz)" 60 curl -sf "http://127.0.0.1:$faro_port/healthz"
wait_for "proxy" 5 curl -sf "http://127.0.0.1:$proxy_port/healthz"
: >"$tmp/replies.jsonl"   # the readiness probe above is not a message

export E2E_TMP="$tmp" E2E_SMSC_PORT="$smsc_port" E2E_SENDSMS_PORT="$sendsms_port" E2E_SENDSMS_PW="$sendsms_pw"
export E2E_FAKESMSC="$fakesmsc"
python3 "$here/kannel_e2e.py"
