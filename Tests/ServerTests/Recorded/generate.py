#!/usr/bin/env python3
"""Writes the synthesized request files beside the real captures (see README.md here).

kannel/get-*.http and kannel/post-{pelerin-fr,ayuda}.http are byte-for-byte captures of real Kannel 1.4.5 requests
and are NOT written by this script. Everything else is made here from the providers' published wire formats;
Twilio signatures are computed exactly as Twilio's official validator does (HMAC-SHA1 over URL + sorted
name/value pairs, base64) -- `compute_signature` below matches twilio-python 9.13.0's RequestValidator, checked
against it when these files were made.

Run from this folder: python3 generate.py
"""
import base64, hashlib, hmac, os, urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "0123456789abcdef0123456789abcdef"           # test-only auth token (TwilioTests uses the same)
PUBLIC = "https://faro.example.org"                   # public base URL configured in the tests
PATH = "/channels/twilio"


def write(rel, method, target, headers, body=b""):
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{method} {target} HTTP/1.1", "Host: faro.example.org"]
    lines += [f"{k}: {v}" for k, v in headers]
    if method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(data)


def compute_signature(url, pairs, token=TOKEN, digest=hashlib.sha1):
    """pairs: list of (name bytes, value bytes); sorted by name then value, duplicates once."""
    s = url.encode()
    names = sorted(set(n for n, _ in pairs))
    for n in names:
        for v in sorted(set(v for m, v in pairs if m == n)):
            s += n + v
    return base64.b64encode(hmac.new(token.encode(), s, digest).digest()).decode()


def form(pairs):
    return "&".join(urllib.parse.quote_plus(n) + "=" + urllib.parse.quote_plus(v) for n, v in pairs).encode()


def b(pairs):
    return [(n.encode(), v.encode()) for n, v in pairs]


# A Twilio inbound SMS webhook as Twilio sends it (field set and order from Twilio's docs and captures).
def twilio_fields(body, frm="+5215550001", extra=()):
    return [
        ("ToCountry", "MX"), ("ToState", ""), ("SmsMessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("NumMedia", "0"), ("ToCity", ""), ("FromZip", ""), ("SmsSid", "SM0123456789abcdef0123456789abcdef"),
        ("FromState", ""), ("SmsStatus", "received"), ("FromCity", ""), ("Body", body), ("FromCountry", "MX"),
        ("To", "+525500000000"), ("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"), ("ToZip", ""),
        ("NumSegments", "1"), ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("From", frm), ("ApiVersion", "2010-04-01"),
    ] + list(extra)


CT_FORM = ("Content-Type", "application/x-www-form-urlencoded")
UA = ("User-Agent", "TwilioProxy/1.1")
I18N = ("I-Twilio-Idempotency-Token", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")


def twilio(rel, fields, sign_url=PUBLIC + PATH, body=None, signature=None, extra_headers=(), digest=hashlib.sha1):
    pairs = b(fields)
    body = form(fields) if body is None else body
    sig = compute_signature(sign_url, pairs, digest=digest) if signature is None else signature
    headers = [CT_FORM, UA, I18N] + list(extra_headers)
    if sig:
        headers.append(("X-Twilio-Signature", sig))
    write(rel, "POST", PATH, headers, body)


twilio("twilio/valid-es.http", twilio_fields("¿Dónde está la clínica?"))
twilio("twilio/valid-fr.http", twilio_fields("pèlerin, où est l'hôpital ?", frm="+33612345678"))
twilio("twilio/valid-emoji.http", twilio_fields("ayuda 😀 & <gracias>"))
twilio("twilio/extra-unknown-fields.http",
       twilio_fields("hola", extra=[("AddOns", '{"status":"successful"}'), ("SomeFieldTwilioAddsIn2030", "x")]))
twilio("twilio/port-443.http", twilio_fields("hola"), sign_url="https://faro.example.org:443" + PATH)
twilio("twilio/hmac-sha256.http", twilio_fields("hola"), digest=hashlib.sha256,
       extra_headers=[("X-Twilio-Webhooks-Signature-Settings", "key=webhooks_sharedkey_test,algorithm=HMAC_SHA256")])
# Refused: signed for a different body, scheme or path; unsigned.
good = twilio_fields("¿Dónde está la clínica?")
forged = twilio_fields("¿Dónde está la clínica? ENVIAR A TODOS")
twilio("twilio/forged-body.http", forged, signature=compute_signature(PUBLIC + PATH, b(good)))
twilio("twilio/wrong-scheme.http", good, sign_url="http://faro.example.org" + PATH)
twilio("twilio/trailing-slash.http", good, sign_url=PUBLIC + PATH + "/")
twilio("twilio/unsigned.http", good, signature="")
# Signed but malformed.
no_from = [(n, v) for n, v in twilio_fields("hola") if n != "From"]
twilio("twilio/missing-from.http", no_from)
bad_pairs = [(n.encode(), v.encode()) for n, v in twilio_fields("x")]
bad_pairs = [(n, b"\xff\xfehola" if n == b"Body" else v) for n, v in bad_pairs]
bad_body = "&".join(urllib.parse.quote_plus(n) + "=" + urllib.parse.quote_plus(v) for n, v in bad_pairs).encode()
write("twilio/invalid-utf8.http", "POST", PATH,
      [CT_FORM, UA, ("X-Twilio-Signature", compute_signature(PUBLIC + PATH, bad_pairs))], bad_body)

# Africa's Talking USSD callback (fields from AT's docs: sessionId, serviceCode, phoneNumber, networkCode, text).
def ussd(rel, text, session="ATUid_7d1e0c2b9f6a4e8d", extra=(), drop=()):
    fields = [("sessionId", session), ("phoneNumber", "+5215550001"), ("networkCode", "33420"),
              ("serviceCode", "*384*44135#"), ("text", text)] + list(extra)
    fields = [(n, v) for n, v in fields if n not in drop]
    write(rel, "POST", "/channels/africastalking/ussd", [CT_FORM, ("User-Agent", "AfricasTalking")], form(fields))


ussd("africastalking/first.http", "")
ussd("africastalking/one.http", "1")
ussd("africastalking/one-two.http", "1*2")
ussd("africastalking/back.http", "1*0")
ussd("africastalking/home.http", "1*2*00")
ussd("africastalking/more.http", "3*98")
ussd("africastalking/more-more-back.http", "3*98*98*0")
ussd("africastalking/leaf-end.http", "2")
ussd("africastalking/too-long.http", "9")
ussd("africastalking/extra-fields.http", "1", extra=[("hopsCount", "1"), ("cost", "KES 0.00")])
ussd("africastalking/missing-session.http", "1", drop=("sessionId",))
ussd("africastalking/missing-phone.http", "1", drop=("phoneNumber",))

# Kannel requests derived from the real captures (a field removed or a byte changed).
def derive(src, dst, old, new):
    data = open(os.path.join(HERE, "kannel", src), "rb").read()
    assert old in data, (src, old)
    open(os.path.join(HERE, "kannel", dst), "wb").write(data.replace(old, new, 1))


derive("get-informacion.http", "derived-missing-from.http", b"from=%2B5215550001&", b"")
derive("get-informacion.http", "derived-missing-text.http", b"&text=informaci%C3%B3n", b"")
derive("get-informacion.http", "derived-invalid-utf8.http", b"informaci%C3%B3n", b"informaci%F3n")
derive("post-ayuda.http", "derived-post-missing-sender.http", b"X-Kannel-From: +5215550001\r\n", b"")

# JSON API.
def js(rel, body, ctype="application/json"):
    write(rel, "POST", "/v1/messages", [("Content-Type", ctype)], body)


js("json/sms.http", '{"from":"+5215550001","text":"¿dónde?","channel":"sms"}')
js("json/default-channel-extra.http", '{"from":"+5215550001","text":"pèlerin","client":"ngo-app","v":2}')
js("json/ussd.http", '{"from":"+5215550001","text":"1*2","channel":"ussd","session":"s-1"}')
js("json/missing-from.http", '{"text":"hola"}')
js("json/missing-text.http", '{"from":"+5215550001"}')
js("json/bad-channel.http", '{"from":"+5215550001","text":"hola","channel":"fax"}')
js("json/not-json.http", 'from=+5215550001&text=hola')
js("json/invalid-utf8.http", b'{"from":"+5215550001","text":"\xff"}')
print("ok")
