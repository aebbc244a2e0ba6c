"""The negative table every HTTP listener of both programs must pass (docs/http-edge.md).

Each row: the bytes sent on a fresh connection, the status codes allowed (None = "closed
without any response"), and whether the server must close the connection afterwards.
A row may differ by listener kind ("controller" serves /healthz /readyz /metrics and takes
no POST; "tokenserver" has POST /oauth2/token). After every row the runner also checks that
the process is alive and a new connection's GET /healthz answers 200.
"""

import dataclasses
import time
from typing import Callable, Optional

from edge_lib import HOST, Conn, ProtocolError

# The timeouts the programs are started with (edge_test.py passes them as flags).
HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
IDLE_TIMEOUT = 3.0
MARGIN = 2.5  # scheduling slack on a loaded 2-core machine

H = f"Host: {HOST}\r\n"
FORM = "Content-Type: application/x-www-form-urlencoded\r\n"
TOKEN_BODY = b"grant_type=client_credentials&client_id=nope&client_secret=x"
SECRET_COOKIE = "edge-secret-cookie-7f3a"
SECRET_TOKEN = "edge-secret-bearer-91c2"


@dataclasses.dataclass
class Case:
    name: str
    rfc: str
    data: object = b""  # bytes, or callable(listener) -> bytes
    expect: object = frozenset()  # set of statuses (None allowed), or callable(status) -> bool
    expect_by_kind: Optional[dict] = None  # kind -> expect, overrides `expect`
    close: bool = False
    stream: Optional[tuple] = None  # (filler bytes, cap): keep sending until answered
    read_timeout: float = 2.0
    close_within: float = 2.0
    pipeline: Optional[list] = None  # [(status, head_request)] for several responses
    head: bool = False
    checks: tuple = ()  # callable(listener, [responses], conn) -> error string or None
    run: Optional[Callable] = None  # callable(listener) -> [errors]; replaces the generic run

    def expected(self, listener):
        if self.expect_by_kind and listener.kind in self.expect_by_kind:
            return self.expect_by_kind[listener.kind]
        return self.expect

    def bytes_for(self, listener):
        return self.data(listener) if callable(self.data) else self.data


def status_ok(expect, status):
    return expect(status) if callable(expect) else status in expect


def describe_expect(expect):
    if callable(expect):
        return getattr(expect, "__doc__", None) or "see the case"
    return "/".join("closed" if s is None else str(s) for s in
                    sorted(expect, key=lambda s: (s is None, s or 0)))


def not_400_nor_5xx(status):
    """not 400, not 5xx"""
    return status is not None and status != 400 and status < 500


def b(s):
    return s.encode("latin-1") if isinstance(s, str) else s


def post(listener, head_lines, body=b""):
    """A POST to the listener's body-taking path (the token endpoint; /healthz on the
    controller, which takes no POST) with the given extra header lines."""
    return b(f"POST {listener.post_path} HTTP/1.1\r\n{H}{FORM}{head_lines}\r\n") + b(body)


def chunked(body_lines):
    return lambda l: post(l, "Transfer-Encoding: chunked\r\n", body_lines)


def get(path="/healthz", extra="", version="HTTP/1.1", host=True):
    return b(f"GET {path} {version}\r\n{H if host else ''}{extra}\r\n")


# -- checks -------------------------------------------------------------------------------

def has_allow(*methods):
    def check(listener, responses, conn):
        allow = responses[0].header("Allow")
        if allow is None:
            return "no Allow header"
        listed = {m.strip().upper() for m in allow.split(",")}
        missing = [m for m in methods if m not in listed]
        return f"Allow: {allow} lacks {', '.join(missing)}" if missing else None
    return check


def no_echo(listener, responses, conn):
    raw = b"".join(r.raw for r in responses) + conn.buf
    for secret in (SECRET_COOKIE, SECRET_TOKEN):
        if secret.encode() in raw:
            return f"the response echoes a request header value ({secret})"
    return None


def no_injected_header(listener, responses, conn):
    for r in responses:
        for name, value in r.headers:
            if name.strip().lower() in ("x-injected", "set-cookie") and "injected" in value:
                return f"injected header line in the response: {name}: {value}"
    return None


def token_401_invalid_client(listener, responses, conn):
    if listener.kind != "tokenserver":
        return None
    r = responses[0]
    if b'"invalid_client"' not in r.body:
        return f"body is not invalid_client JSON: {r.body[:120]!r}"
    return None


def head_matches_get(listener, responses, conn):
    got, head = responses[0], responses[1]
    if head.header("Content-Length") != got.header("Content-Length"):
        return (f"HEAD Content-Length {head.header('Content-Length')} != "
                f"GET Content-Length {got.header('Content-Length')}")
    return None


# -- custom runs (timing) ----------------------------------------------------------------

def run_slow_header(listener):
    """Half a request line, then silence: closed (408 or nothing) after the header timeout."""
    return _expect_closed_after(listener, b"GET /healthz HTTP/1.1\r\nHo", None,
                                HEADER_TIMEOUT + MARGIN, "header timeout")


def run_slowloris(listener):
    """A header dribbled a byte every 0.3 s: the header timeout counts from the first byte,
    not from the last one, so the server still closes after HEADER_TIMEOUT."""
    return _expect_closed_after(listener, b"GET /healthz HTTP/1.1\r\n",
                                b"X-Slow: " + b"a" * 200, HEADER_TIMEOUT + MARGIN, "header timeout")


def run_stalled_body(listener):
    data = post(listener, "Content-Length: 100\r\n", "grant_type")
    # The controller takes no body: it refuses the Content-Length at once (413 or 405)
    # and never waits for the body, so there the body timeout is not reached.
    allowed = {408, None} if listener.kind == "tokenserver" else {405, 413}
    return _expect_closed_after(listener, data, None, BODY_TIMEOUT + MARGIN, "body timeout",
                                allowed)


def run_idle_keepalive(listener):
    with Conn(listener) as c:
        if not c.send(get()):
            return [f"send failed ({c.send_failed})"]
        r = c.read_response(time.monotonic() + 2)
        if r is None or r.status != 200:
            return [f"first request: got {r or 'no response'}, want 200"]
        t0 = time.monotonic()
        closed = c.wait_closed(t0 + IDLE_TIMEOUT + MARGIN)
        took = time.monotonic() - t0
        if not closed:
            return [f"idle connection still open {took:.1f} s after its last response "
                    f"(idle timeout {IDLE_TIMEOUT:.0f} s)"]
        if c.buf and not c.buf.startswith(b"HTTP/1.1 408"):
            return [f"unexpected bytes before the idle close: {c.buf[:80]!r}"]
        return [] if took >= IDLE_TIMEOUT - 0.5 else [
            f"closed after {took:.1f} s, sooner than the {IDLE_TIMEOUT:.0f} s idle timeout"]


def run_keepalive_sequence(listener):
    """Three requests one after the other on one connection, each answered."""
    with Conn(listener) as c:
        for i, path in enumerate(["/healthz", "/no-such-path", "/healthz"]):
            if not c.send(get(path)):
                return [f"request {i + 1}: send failed ({c.send_failed}): connection not kept alive"]
            r = c.read_response(time.monotonic() + 2)
            want = 404 if path == "/no-such-path" else 200
            if r is None:
                return [f"request {i + 1} ({path}): no response ({'closed' if c.eof else 'timeout'})"]
            if r.status != want:
                return [f"request {i + 1} ({path}): got {r.status}, want {want}"]
    return []


def run_injection(listener):
    """Percent-encoded CR LF in the query, where the token server reflects values into a
    Location header (redirect_uri, state): no response may carry an injected header line."""
    errors, redirected = [], 0
    for path in listener.injection_paths:
        with Conn(listener) as c:
            if not c.send(get(path)):
                errors.append(f"{path[:60]}: send failed ({c.send_failed})")
                continue
            try:
                r = c.read_response(time.monotonic() + 2)
            except ProtocolError as e:
                errors.append(f"{path[:60]}: malformed response: {e}")
                continue
            if r is None:
                errors.append(f"{path[:60]}: no response")
            elif r.status >= 500:
                errors.append(f"{path[:60]}: got {r.status}")
            elif (e := no_injected_header(listener, [r], c)):
                errors.append(f"{path[:60]}: {e}")
            elif r.status in (302, 303) and "state=" in (r.header("Location") or ""):
                redirected += 1
    if listener.kind == "tokenserver" and not errors and redirected < 2:
        errors.append(f"only {redirected} of the 2 error redirects reflected the state: the "
                      "row no longer reaches a Location header (client id? redirect URI?)")
    return errors


def _expect_closed_after(listener, first, dribble, within, what, allowed=frozenset({408, None})):
    with Conn(listener) as c:
        t0 = time.monotonic()
        deadline = t0 + within
        if not c.send(first):
            return [f"the first bytes were refused ({c.send_failed})"]
        if dribble:
            for ch in dribble:
                if time.monotonic() >= deadline or c.eof:
                    break
                if c._poll_readable(0.3) or not c.send(bytes([ch])):
                    break
        closed = c.wait_closed(deadline)
        took = time.monotonic() - t0
        if not closed:
            return [f"still open {took:.1f} s after the first byte ({what} "
                    f"{HEADER_TIMEOUT if 'header' in what else BODY_TIMEOUT:.0f} s)"]
        status = None
        if c.buf:
            try:
                c.eof = True
                r = c.read_response(time.monotonic())
                status = r.status if r else None
            except ProtocolError as e:
                return [f"garbage before the close: {e}"]
        if status not in allowed:
            return [f"closed with {status}, want {describe_expect(allowed)}"]
        print(f"      ({listener.name}: closed {took:.1f} s after the first byte, "
              f"{status or 'no response'})")
        return []


# -- the table ------------------------------------------------------------------------------

BIG_HEADER_PART = 32 * 1024  # sent before reading: twice the 16 KiB header limit
TABLE = [
    # Positive controls: the table means nothing if a good request fails.
    Case("control: GET /healthz HTTP/1.1 -> 200, kept alive", "RFC 9112 §9.3",
         get(), {200}),
    Case("control: HTTP/1.0 without Host -> 200, closed", "RFC 9112 §9.3",
         get(version="HTTP/1.0", host=False), {200}, close=True),

    # Chunked framing (RFC 9112 §7.1).
    Case("chunk size -1 -> 400, close", "RFC 9112 §7.1",
         chunked("-1\r\nhello\r\n0\r\n\r\n"), {400}, close=True),
    Case("chunk size zz -> 400, close", "RFC 9112 §7.1",
         chunked("zz\r\nhello\r\n0\r\n\r\n"), {400}, close=True),
    Case("chunk size ffffffffffffffffffff (overflow) -> 400, close", "RFC 9112 §7.1",
         chunked("ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"), {400}, close=True),
    # The controller takes no body (its route limit is 0), so a 5-byte chunk is over its
    # limit before the extension after the size is looked at: 413 there refuses and closes
    # just as well. The "0;" rows below reach the extension parser on every listener.
    Case("chunk extension '5;' (no name) -> 400, close", "RFC 9112 §7.1.1",
         chunked("5;\r\nhello\r\n0\r\n\r\n"), {400}, close=True,
         expect_by_kind={"controller": {400, 413}}),
    Case("chunk extension '5;=x' (no name) -> 400, close", "RFC 9112 §7.1.1",
         chunked("5;=x\r\nhello\r\n0\r\n\r\n"), {400}, close=True,
         expect_by_kind={"controller": {400, 413}}),
    Case("chunk extension '5;a=\"open' (unterminated quote) -> 400, close",
         "RFC 9112 §7.1.1; RFC 9110 §5.6.4 (no CR/LF in a quoted-string)",
         chunked('5;a="open\r\nhello\r\n0\r\n\r\n'), {400}, close=True,
         expect_by_kind={"controller": {400, 413}}),
    Case("last-chunk extension '0;' (no name) -> 400, close", "RFC 9112 §7.1.1",
         chunked("0;\r\n\r\n"), {400}, close=True),
    Case("last-chunk extension '0;=x' (no name) -> 400, close", "RFC 9112 §7.1.1",
         chunked("0;=x\r\n\r\n"), {400}, close=True),
    Case("last-chunk extension '0;a=\"open' (unterminated quote) -> 400, close",
         "RFC 9112 §7.1.1; RFC 9110 §5.6.4",
         chunked('0;a="open\r\n\r\n'), {400}, close=True),
    Case("chunk data longer than its size -> 400, close", "RFC 9112 §7.1",
         chunked("3\r\nhello\r\n0\r\n\r\n"), {400}, close=True,
         expect_by_kind={"controller": {400, 413}}),
    Case("trailer line without a colon -> 400, close", "RFC 9112 §7.1.2",
         chunked("0\r\nnot a field\r\n\r\n"), {400}, close=True),
    # No RFC names a status for an endless chunk line or trailer section; 400 (malformed /
    # too long) and 413 (content too large) both refuse. What matters: answered early.
    Case("chunk extension streamed endlessly (cap 1 MiB) -> 400/413, close", "RFC 9112 §7.1.1",
         chunked("0;a"), {400, 413}, close=True, stream=(b"a" * 4096, 1024 * 1024)),
    Case("trailer section streamed endlessly (cap 1 MiB) -> 400/413/431, close",
         "RFC 9112 §7.1.2", chunked("0\r\n"), {400, 413, 431}, close=True,
         stream=(b"X-T: a\r\n" * 512, 1024 * 1024)),
    Case("valid chunk extensions: the chunked body arrives intact (token: 401 invalid_client)",
         "RFC 9112 §7.1.1",
         chunked("1d;name=value\r\ngrant_type=client_credentials\r\n"
                 "f;flag\r\n&client_id=nope\r\n"
                 '10 ; q="quoted; value"\r\n&client_secret=x\r\n0;end=1\r\n\r\n'),
         expect=not_400_nor_5xx, expect_by_kind={"tokenserver": {401}},
         checks=(token_401_invalid_client,)),

    # Message framing: Content-Length and Transfer-Encoding (RFC 9112 §6.1, §6.3).
    Case("Transfer-Encoding chunked + Content-Length -> 400, close; tail not answered",
         "RFC 9112 §6.1, §6.3 item 3",
         lambda l: post(l, "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                        "0\r\n\r\nGET /healthz HTTP/1.1\r\n" + H + "\r\n"),
         {400}, close=True),
    Case("Content-Length twice, same value -> 400, close", "RFC 9112 §6.3 item 5; RFC 9110 §8.6",
         lambda l: post(l, "Content-Length: 3\r\nContent-Length: 3\r\n", "a=b"),
         {400}, close=True),
    Case("Content-Length twice, different values -> 400, close", "RFC 9112 §6.3 item 5",
         lambda l: post(l, "Content-Length: 3\r\nContent-Length: 30\r\n", "a=b"),
         {400}, close=True),
    Case("Content-Length: -1 -> 400, close", "RFC 9112 §6.3 item 5; RFC 9110 §8.6",
         lambda l: post(l, "Content-Length: -1\r\n", "a=b"), {400}, close=True),
    Case("Content-Length: abc -> 400, close", "RFC 9112 §6.3 item 5",
         lambda l: post(l, "Content-Length: abc\r\n", "a=b"), {400}, close=True),
    Case("Content-Length: 1,1 -> 400, close", "RFC 9112 §6.3 item 5; RFC 9110 §8.6",
         lambda l: post(l, "Content-Length: 1,1\r\n", "a"), {400}, close=True),
    Case("Transfer-Encoding: xchunked -> 400, close", "RFC 9112 §6.3 item 4",
         lambda l: post(l, "Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"), {400}, close=True),
    # Chunked is final here, so §6.3 item 4 does not apply; gzip is a coding we do not
    # implement, for which §6.1 says SHOULD 501. Both refuse and close, so both pass.
    Case("Transfer-Encoding: gzip, chunked -> 400 or 501, close", "RFC 9112 §6.1",
         lambda l: post(l, "Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"),
         {400, 501}, close=True),
    Case("Transfer-Encoding: chunked, chunked -> 400, close", "RFC 9112 §7 (chunked once)",
         lambda l: post(l, "Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"),
         {400}, close=True),
    Case("two Transfer-Encoding: chunked headers -> 400, close", "RFC 9112 §7; RFC 9110 §5.3",
         lambda l: post(l, "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                        "0\r\n\r\n"), {400}, close=True),

    # Header syntax (RFC 9112 §2.2, §5).
    Case("whitespace before the colon ('Host : x') -> 400, close", "RFC 9112 §5.1",
         b"GET /healthz HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n", {400}, close=True),
    Case("obs-fold (header line starting with a space) -> 400, close", "RFC 9112 §5.2",
         get(extra="X-A: a\r\n  folded\r\n"), {400}, close=True),
    Case("obs-fold (header line starting with a tab) -> 400, close", "RFC 9112 §5.2",
         get(extra="X-A: a\r\n\tfolded\r\n"), {400}, close=True),
    Case("bare CR in a header value -> 400, close", "RFC 9112 §2.2",
         get(extra="X-A: a\rb\r\n"), {400}, close=True),
    Case("NUL in a header value -> 400, close", "RFC 9110 §5.5",
         get(extra="X-A: a\x00b\r\n"), {400}, close=True),
    Case("bare LF line endings -> 400, close", "RFC 9112 §2.2 (MAY accept; we refuse)",
         b"GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n", {400}, close=True),
    Case("header name with a space inside -> 400, close", "RFC 9110 §5.1 (token)",
         get(extra="X A: b\r\n"), {400}, close=True),

    # Request line and version (RFC 9112 §2.3, §3).
    Case("HTTP/9.9 -> 505, close", "RFC 9110 §15.6.6; RFC 9112 §2.3",
         get(version="HTTP/9.9"), {505}, close=True),
    Case("HTTP/1.x -> 400, close", "RFC 9112 §2.3",
         get(version="HTTP/1.x"), {400}, close=True),
    Case("garbage request line -> 400, close", "RFC 9112 §3",
         b"\x16\x03\x01 hello there\r\n\r\n", {400}, close=True),
    Case("request line without a version -> 400, close", "RFC 9112 §3",
         b"GET /healthz\r\n" + b(H) + b"\r\n", {400}, close=True),

    # Host (RFC 9112 §3.2).
    Case("HTTP/1.1 without Host -> 400, close", "RFC 9112 §3.2",
         get(host=False), {400}, close=True),
    Case("HTTP/1.1 with two Host headers -> 400, close", "RFC 9112 §3.2",
         get(extra="Host: 127.0.0.2\r\n"), {400}, close=True),

    # Size limits, answered before the client has sent everything.
    Case("request line > 8 KiB (first 32 KiB of a 100 KiB target sent) -> 414, close",
         "RFC 9112 §3; RFC 9110 §15.5.15",
         b"GET /" + b"a" * BIG_HEADER_PART, {414}, close=True, read_timeout=1.5),
    Case("101 header fields -> 431", "RFC 6585 §5",
         get(extra="".join(f"X-H{i}: v\r\n" for i in range(101))), {431}),
    Case("header block > 16 KiB (first 32 KiB of a 100 KiB header sent) -> 431, close",
         "RFC 6585 §5",
         b"GET /healthz HTTP/1.1\r\n" + b(H) + b"X-Big: " + b"a" * BIG_HEADER_PART,
         {431}, close=True, read_timeout=1.5),
    Case("endless header (streamed until answered, cap 1 MiB) -> 431, close", "RFC 6585 §5",
         b"GET /healthz HTTP/1.1\r\n" + b(H) + b"X-Endless: ", {431}, close=True,
         stream=(b"a" * 4096, 1024 * 1024)),
    Case("Content-Length 200 MiB on POST (only the head sent) -> 413 before the body, close",
         "RFC 9110 §15.5.14",
         lambda l: post(l, "Content-Length: 209715200\r\n"), {413},
         expect_by_kind={"controller": {413, 405}}, close=True),
    Case("chunked body growing past 64 KiB (streamed, cap 1 MiB) -> 413, close",
         "RFC 9110 §15.5.14",
         chunked(""), {413}, expect_by_kind={"controller": {413, 405}}, close=True,
         stream=(b"1000\r\n" + b"a" * 4096 + b"\r\n", 1024 * 1024)),

    # Methods (RFC 9110 §9).
    Case("TRACE / -> 405 with Allow, request headers not echoed", "RFC 9110 §9.3.8, §15.5.6",
         b(f"TRACE / HTTP/1.1\r\n{H}Cookie: s={SECRET_COOKIE}\r\n"
           f"Authorization: Bearer {SECRET_TOKEN}\r\n\r\n"), {405},
         checks=(has_allow(), no_echo)),
    Case("CONNECT host:443 -> 405 with Allow, request headers not echoed",
         "RFC 9110 §9.3.6, §15.5.6",
         b(f"CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\nCookie: s={SECRET_COOKIE}\r\n"
           f"Authorization: Bearer {SECRET_TOKEN}\r\n\r\n"), {405},
         checks=(has_allow(), no_echo)),
    Case("OPTIONS /healthz -> 204/200 with Allow: GET, HEAD", "RFC 9110 §9.3.7",
         b(f"OPTIONS /healthz HTTP/1.1\r\n{H}\r\n"), {204, 200},
         checks=(has_allow("GET", "HEAD"),)),
    Case("HEAD /healthz -> 200, GET's Content-Length, no body bytes", "RFC 9110 §9.3.2",
         get() + b(f"HEAD /healthz HTTP/1.1\r\n{H}\r\n") + get("/no-such-path"),
         pipeline=[(200, False), (200, True), (404, False)], checks=(head_matches_get,)),

    # Persistence (RFC 9112 §9.3).
    Case("pipelining: 3 x GET /healthz in one send -> 3 x 200 on one connection",
         "RFC 9112 §9.3.2", get() * 3, pipeline=[(200, False)] * 3),
    Case("pipelining keeps order: /healthz, /no-such-path, /healthz -> 200, 404, 200",
         "RFC 9112 §9.3.2", get() + get("/no-such-path") + get(),
         pipeline=[(200, False), (404, False), (200, False)]),
    Case("keep-alive: 3 requests one after the other on one connection", "RFC 9112 §9.3",
         run=run_keepalive_sequence),

    # Response splitting: a CR LF in the query never becomes a header line.
    Case("CR LF in the query (redirect_uri, state) never yields an injected header",
         "RFC 9112 §11.1; RFC 9110 §5.5", run=run_injection),

    # Timeouts (RFC 9110 §15.5.9; RFC 9112 §9.5).
    Case(f"slow client: half a request line, then nothing -> closed within "
         f"{HEADER_TIMEOUT:.0f} s header timeout", "RFC 9110 §15.5.9", run=run_slow_header),
    Case("slowloris: header dribbled a byte per 0.3 s -> closed at the header timeout",
         "RFC 9110 §15.5.9", run=run_slowloris),
    Case(f"body stalled mid-way -> closed within the {BODY_TIMEOUT:.0f} s body timeout",
         "RFC 9110 §15.5.9", run=run_stalled_body),
    Case(f"idle keep-alive connection -> closed after the {IDLE_TIMEOUT:.0f} s idle timeout",
         "RFC 9112 §9.5", run=run_idle_keepalive),
]
