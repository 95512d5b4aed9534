#!/usr/bin/env python3
"""The checks of kannel-e2e.sh (which starts Kannel, Faro and the recording proxy, then runs this).

Injects MO messages with fakesmsc, one process per message, reads the MT parts fakesmsc receives
(`Got message N: <FROM TO text ...>`, `<... ucs-2 URLENC>`, `<... udh URLENC data URLENC>`), and compares them with
the exact reply Faro gave Kannel (recorded by the proxy). Prints one line per check and `N passed, N failed`.
"""
import base64, json, math, os, signal, subprocess, sys, threading, time, urllib.parse, urllib.request

TMP = os.environ["E2E_TMP"]
SMSC_PORT = os.environ["E2E_SMSC_PORT"]
SENDSMS_PORT = os.environ["E2E_SENDSMS_PORT"]
SENDSMS_PW = os.environ["E2E_SENDSMS_PW"]
FAKESMSC = os.environ["E2E_FAKESMSC"]
REPLIES = os.path.join(TMP, "replies.jsonl")

# MO texts: the three languages with accents, emoji, characters that need escaping in a URL, and texts the test
# server answers with long replies (emoji and extension characters at the 67/153 part boundaries); the real
# Faro answers these with whatever the content says, and every check below still applies.
DEFAULT_MESSAGES = [
    "información", "pèlerin", "¿dónde?", "hola 😀 ayuda", "a+b & c=d 50%", "Où est l'hôpital ?",
    "derechos", "peligros en nogales", "albergue en tapachula", "menu",
    "long", "largo", "euro", "emoji67", "ucsemoji",
]

GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
                "abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = set("^{}\\[~]|€\f")

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"  ok    {name}")
    else:
        failed += 1
        print(f"  FAIL  {name}" + (f": {detail}" if detail else ""))
    return ok


def is_gsm(text):
    return all(c in GSM_BASIC or c in GSM_EXT for c in text)


def utf16_units(text):
    return len(text.encode("utf-16-be")) // 2


def kannel_parts_expected(body, ucs2):
    """How many parts Kannel 1.4.5 sends (seen: UCS-2 cut every 67 units over 70; GSM-7 153 septets over 160,
    an escape pair moved whole to the next part)."""
    if body == "":
        return 0
    if ucs2:
        units = utf16_units(body)
        return 1 if units <= 70 else math.ceil(units / 67)
    septets = [2 if c in GSM_EXT else 1 for c in body]
    if sum(septets) <= 160:
        return 1
    parts, used = 1, 0
    for s in septets:
        if used + s > 153:
            parts, used = parts + 1, 0
        used += s
    return parts


def wire_text(text):
    """Faro's padding (KannelAdapter.wireText), at code-point level: UCS-2 parts padded to 67 units."""
    if is_gsm(text) or utf16_units(text) <= 70:
        return text
    parts, cur, used = [], "", 0
    for c in text:
        u = utf16_units(c)
        if used + u > 67:
            parts.append(cur); cur, used = "", 0
        cur += c; used += u
    parts.append(cur)
    return "".join(p + " " * (67 - utf16_units(p)) for p in parts[:-1]) + parts[-1]


class FakeSMSC:
    """One fakesmsc process; collects the MT lines it receives."""

    def __init__(self, args):
        self.lines = []
        self.proc = subprocess.Popen([FAKESMSC, "-H", "127.0.0.1", "-r", SMSC_PORT] + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.log = open(os.path.join(TMP, "fakesmsc.log"), "ab")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            self.log.write(raw)
            if b"Got message" in raw:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def wait_parts(self, n, timeout=8.0, grace=0.4):
        deadline = time.time() + timeout
        while len(merge_lines(self.lines)) < n and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(grace)  # catch extra parts, if any
        return merge_lines(list(self.lines))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=3)
        self.log.close()


def merge_lines(lines):
    """fakesmsc's protocol is one message per line, so an MT text holding line breaks arrives as several
    "Got message" lines; only the first names sender, receiver and kind. Real SMSCs (SMPP) carry the line
    breaks: glue the pieces back with "\n" before checking the message."""
    merged = []
    for line in lines:
        inner = line[line.index("<") + 1: line.rindex(">")] if "<" in line and ">" in line else line
        fields = inner.split(" ", 3)
        if merged and (len(fields) < 3 or fields[2] not in ("text", "ucs-2", "udh")):
            prev = merged[-1]
            cut = prev.rindex(">")
            merged[-1] = prev[:cut] + "\n" + inner + prev[cut:]
        else:
            merged.append(line)
    return merged


def unquote_bytes(s):
    return urllib.parse.unquote_to_bytes(s.replace("+", " "))


def parse_mt(line):
    """A fakesmsc line -> dict(kind, udh bytes|None, payload bytes|str)."""
    inner = line[line.index("<") + 1: line.rindex(">")]
    frm, to, kind, rest = (inner.split(" ", 3) + [""])[:4]
    if kind == "text":
        return {"to": to, "kind": "text", "udh": None, "payload": rest.encode("utf-8")}
    if kind == "ucs-2":
        return {"to": to, "kind": "ucs-2", "udh": None, "payload": unquote_bytes(rest)}
    if kind == "udh":
        udh, _, data = rest.partition(" data ")
        return {"to": to, "kind": "udh", "udh": unquote_bytes(udh), "payload": unquote_bytes(data)}
    return {"to": to, "kind": kind, "udh": None, "payload": rest.encode("utf-8")}


def decode_part(part, ucs2):
    """Strict decoding: a part that starts or ends inside a surrogate pair fails."""
    if ucs2:
        if part["kind"] == "text":
            raise ValueError("a UCS-2 reply arrived as GSM-7 text")
        return part["payload"].decode("utf-16-be", errors="strict")
    if part["kind"] == "ucs-2":
        raise ValueError("a GSM-7 reply arrived as UCS-2")
    return part["payload"].decode("utf-8", errors="strict")


def check_parts(label, parts, expected_text, ucs2):
    """The common MT checks: count, order, coding, nothing cut, whole, no '?' added."""
    n = kannel_parts_expected(expected_text, ucs2)
    check(f"{label}: {n} part(s) arrived", len(parts) == n, f"got {len(parts)}")
    if not parts:
        return
    if n > 1:
        ok = all(p["udh"] is not None and len(p["udh"]) >= 6 and p["udh"][1] == 0 for p in parts)
        if ok:
            refs = {p["udh"][3] for p in parts}
            totals = {p["udh"][4] for p in parts}
            seqs = [p["udh"][5] for p in parts]
            ok = len(refs) == 1 and totals == {len(parts)} and seqs == list(range(1, len(parts) + 1))
        check(f"{label}: concatenation header consistent, parts in order", ok,
              " ".join(p["udh"].hex() if p["udh"] else "-" for p in parts))
    try:
        texts = [decode_part(p, ucs2) for p in parts]
        check(f"{label}: {'UCS-2' if ucs2 else 'GSM-7'}, no character cut between parts", True)
    except (UnicodeDecodeError, ValueError) as e:
        check(f"{label}: {'UCS-2' if ucs2 else 'GSM-7'}, no character cut between parts", False, str(e))
        return
    joined = "".join(texts)
    check(f"{label}: parts joined are exactly the reply", joined == expected_text,
          f"\n        got  {joined!r}\n        want {expected_text!r}")
    check(f"{label}: no '?' replacing a character", joined.count("?") == expected_text.count("?"))


def records():
    if not os.path.exists(REPLIES):
        return []
    with open(REPLIES) as f:
        return [json.loads(line) for line in f if line.strip()]


def record_for(sender, timeout=8.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for r in records():
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(r["path"]).query, keep_blank_values=True)
            if q.get("from", [""])[0] == sender:
                return r, q
        time.sleep(0.02)
    return None, None


def mo_message(i, text):
    sender = "+52155500%04d" % i
    if is_gsm(text):
        spec = f"{sender} 5555 text {text}"
    else:
        spec = f"{sender} 5555 ucs2 " + urllib.parse.quote(text.encode("utf-16-be"), safe="")
    print(f"MO {i}: {text!r} ({'GSM-7' if is_gsm(text) else 'UCS-2'})")
    smsc = FakeSMSC(["-m", "1", spec])
    try:
        rec, query = record_for(sender)
        if not check(f"MO {i}: Faro was asked", rec is not None):
            return
        check(f"MO {i}: Faro received the text intact", query.get("text", [None])[0] == text,
              repr(query.get("text")))
        body = base64.b64decode(rec["body"]).decode("utf-8", "replace")
        headers = rec["headers"]
        check(f"MO {i}: 200 text/plain; charset=utf-8",
              rec["status"] == 200 and headers.get("content-type") == "text/plain; charset=utf-8",
              f"{rec['status']} {headers.get('content-type')}")
        check(f"MO {i}: reply not empty", body != "")
        ucs2 = headers.get("x-kannel-coding") == "2"
        check(f"MO {i}: X-Kannel-Coding: 2 exactly when needed ({'UCS-2' if ucs2 else 'GSM-7'})",
              ucs2 == (not is_gsm(body)), f"header={headers.get('x-kannel-coding')} gsm={is_gsm(body)}")
        parts = [parse_mt(l) for l in smsc.wait_parts(kannel_parts_expected(body, ucs2))]
        check_parts(f"MO {i}", parts, body, ucs2)
    finally:
        smsc.stop()


def flood(count=5, burst=3):
    """One number sends `count` messages; Faro runs with FARO_RATE_LIMIT=3/3600: three answers, then the flood
    notice once, then an empty 200 that Kannel must drop (omit-empty) instead of sending
    "<Empty reply from service provider>"."""
    sender = "+5215550999"
    print(f"flood: {count} messages from one number (limit {burst})")
    for k in range(1, count + 1):
        smsc = FakeSMSC(["-m", "1", f"{sender} 5555 text hola {k}"])
        try:
            deadline = time.time() + 8
            mine = []
            while time.time() < deadline and len(mine) < k:
                mine = [r for r in records() if urllib.parse.parse_qs(urllib.parse.urlsplit(r["path"]).query)
                        .get("from", [""])[0] == sender]
                time.sleep(0.02)
            if not check(f"flood {k}: Faro was asked", len(mine) >= k):
                continue
            rec = mine[k - 1]
            body = base64.b64decode(rec["body"]).decode("utf-8", "replace")
            lines = smsc.wait_parts(1 if body else 0, timeout=3, grace=0.8 if not body else 0.3)
            if k <= burst:
                check(f"flood {k}: answered", rec["status"] == 200 and body != "" and len(lines) >= 1)
            elif k == burst + 1:
                check(f"flood {k}: the one notice", rec["status"] == 200 and body != "" and len(lines) >= 1, body)
            else:
                check(f"flood {k}: dropped (200, empty body, no SMS at all)",
                      rec["status"] == 200 and body == "" and not lines, f"{rec['status']} {body!r} {lines}")
        finally:
            smsc.stop()


def sendsms(to, text, coding, label, expect_text, ucs2, expect_cut=False):
    print(f"sendsms: {label}")
    smsc = FakeSMSC(["-m", "0", "0 0 text unused"])
    try:
        time.sleep(0.3)  # let fakesmsc connect before the message is routed
        q = urllib.parse.urlencode({"username": "faro", "password": SENDSMS_PW, "from": "5555", "to": to,
                                    "text": text, "charset": "UTF-8", "coding": coding})
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{SENDSMS_PORT}/cgi-bin/sendsms?{q}", timeout=5) as r:
                status, answer = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, answer = e.code, e.read().decode()
        check(f"{label}: sendsms accepted (202 0:/3:)", status == 202 and answer[:2] in ("0:", "3:"), f"{status} {answer}")
        parts = [parse_mt(l) for l in smsc.wait_parts(kannel_parts_expected(expect_text, ucs2))]
        if expect_cut:
            cut = False
            for p in parts:
                try:
                    decode_part(p, True)
                except UnicodeDecodeError:
                    cut = True
            check(f"{label}: Kannel cuts an unpadded surrogate pair at the 67-unit boundary (why Faro pads)", cut)
        else:
            check_parts(label, parts, expect_text, ucs2)
    finally:
        smsc.stop()


def main():
    start = time.time()
    messages = DEFAULT_MESSAGES
    if os.environ.get("E2E_MESSAGES"):
        with open(os.environ["E2E_MESSAGES"], encoding="utf-8") as f:
            messages = [l.rstrip("\n") for l in f if l.strip()]
    for i, text in enumerate(messages, 1):
        mo_message(i, text)

    flood()

    alert = "Alerta Faro: la ruta del Pacífico está cerrada en Arriaga. Busque el albergue más cercano, es gratis."
    sendsms("+5215559000001", wire_text(alert), "2", "alert UCS-2", wire_text(alert), True)
    long_alert = ("Alerta 🚨 " + "lluvia fuerte en Tapachula, " * 3 + "evite el río 🌊 y los puentes. "
                  + "Albergues abiertos: " + "Belén, Jesús el Buen Pastor, " * 2 + "fin ✅")
    sendsms("+5215559000002", wire_text(long_alert), "2", "long alert UCS-2 with emoji", wire_text(long_alert), True)
    gsm_alert = ("Alerta Faro: lluvia fuerte en Tapachula. Evite el rio y los puentes. Albergue abierto 24 h, "
                 "gratis € [ok]. ") * 2
    sendsms("+5215559000003", gsm_alert, "0", "long alert GSM-7 with € [ ]", gsm_alert, False)
    raw = "á" + "x" * 65 + "😀" + "y" * 20
    sendsms("+5215559000004", raw, "2", "control: unpadded emoji at units 66-67", raw, True, expect_cut=True)

    print(f"kannel-e2e: {len(messages)} MO messages and 4 alerts in {time.time() - start:.1f}s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
