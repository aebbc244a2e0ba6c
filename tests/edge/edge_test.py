#!/usr/bin/env python3
"""Edge test: every HTTP listener of both programs is strict and bounded (docs/http-edge.md).

Starts, on free loopback ports, the real controller in local mode (on a copy of
examples/quickstart; --http-listen and --metrics-listen), a token server over http, one over
https (a self-signed certificate made with the openssl CLI), and a fourth, http, with
--http-max-connections=8. Then runs ONE negative table (edge_cases.TABLE) against each of the
four listeners, from raw sockets; after every row the process must be alive and a new
connection's GET /healthz must answer 200. A process that died is reported and restarted,
so the table still runs to the end. Then: the connection limit, and memory under 20
connections streaming junk.

Usage: edge_test.py [--build-dir DIR] [--work-dir DIR] [--only REGEX] [--no-load]
Prints one PASS/FAIL line per case and listener, "edge_test: N passed, N failed" at the end,
and exits 1 on any failure.
"""

import argparse
import base64
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import edge_cases  # noqa: E402
from edge_cases import (BODY_TIMEOUT, HEADER_TIMEOUT, IDLE_TIMEOUT, TABLE, describe_expect,  # noqa: E402
                        get, status_ok)
from edge_lib import (HOST, Conn, ProtocolError, Program, Response, free_port,  # noqa: E402
                      describe_exit, simple_get, vm_rss_kib)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAX_CONNECTIONS = 8
MEMORY_CONNECTIONS = 20
MEMORY_SECONDS = 3.0
MEMORY_LIMIT_MIB = 64

PRINT_LOCK = threading.Lock()


def say(line):
    with PRINT_LOCK:
        print(line, flush=True)


class Listener:
    def __init__(self, name, kind, port, program, tls=False, ssl_context=None):
        self.name = name
        self.kind = kind
        self.port = port
        self.program = program
        self.tls = tls
        self.ssl_context = ssl_context
        self.kubectl_client_id = None  # set once the controller wrote its Secret
        self.post_path = "/oauth2/token" if kind == "tokenserver" else "/healthz"

    @property
    def injection_paths(self):
        if self.kind != "tokenserver":
            return ["/healthz?redirect_uri=http://127.0.0.1:80%0d%0aX-Injected:%20injected/cb",
                    "/no-such%0d%0aX-Injected:%20injected"]
        authorize = (f"/oauth2/authorize?client_id={self.kubectl_client_id}&code_challenge="
                     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")
        return [
            # The registered redirect URI and an unsupported response_type: the error goes
            # back to it in a Location header, with the state (RFC 6749 §4.1.2.1).
            f"{authorize}&response_type=token&redirect_uri=http://localhost:8000&scope=openid"
            "&state=x%0d%0aX-Injected:%20injected",
            f"{authorize}&response_type=code&redirect_uri=http://localhost:8000"
            "&scope=openid%20no-such-scope&state=x%0d%0aSet-Cookie:%20injected=1",
            # An unregistered redirect URI carrying a CR LF: refused, never redirected to.
            f"{authorize}&response_type=code&redirect_uri=http://127.0.0.1:80%0d%0aX-Injected:"
            "%20injected/cb&scope=openid&state=s",
        ]


# ---------------------------------------------------------------------------------------
# Running one case

def run_generic(case, listener):
    errors = []
    data = case.bytes_for(listener)
    try:
        conn = Conn(listener)
    except (OSError, ssl.SSLError) as e:
        return [f"connect failed: {type(e).__name__}: {e}"]
    with conn as c:
        # A failed send is not an error by itself: the server may answer and close before
        # taking everything (it should, past a limit); the answer is read below.
        c.send(data)
        if case.stream:
            filler, cap = case.stream
            c.stream(filler, cap, time.monotonic() + 5)
            if c.sent >= cap + len(data) and not c.buf and not c.eof:
                errors.append(f"streamed {c.sent // 1024} KiB without an answer")
        deadline = time.monotonic() + case.read_timeout
        responses = []
        try:
            if case.pipeline:
                for i, (want, head) in enumerate(case.pipeline):
                    r = c.read_response(deadline, head_request=head)
                    if r is None:
                        errors.append(f"response {i + 1} of {len(case.pipeline)}: none "
                                      f"({'closed' if c.eof else 'timeout'})")
                        break
                    responses.append(r)
                    if r.status != want:
                        errors.append(f"response {i + 1}: got {r.status}, want {want}")
                        break
            else:
                r = c.read_response(deadline, head_request=case.head)
                expect = case.expected(listener)
                if r is None and not c.eof:
                    errors.append(f"no response within {case.read_timeout:.1f} s, connection "
                                  f"still open (want {describe_expect(expect)})")
                    return errors
                status = r.status if r else None
                if r:
                    responses.append(r)
                if not status_ok(expect, status):
                    got = status if r else f"no response (closed: {c.eof_how})"
                    errors.append(f"got {got}, want {describe_expect(expect)}")
            if case.close and responses:
                closed = c.wait_closed(time.monotonic() + case.close_within)
                if c.buf:
                    errors.append(f"bytes after the response (a second answer?): {c.buf[:80]!r}")
                if not closed:
                    errors.append(f"connection still open {case.close_within:.0f} s after the "
                                  "response (want close)")
        except ProtocolError as e:
            errors.append(f"malformed response: {e}")
            return errors
        if not errors:
            for check in case.checks:
                e = check(listener, responses, c)
                if e:
                    errors.append(e)
    return errors


def after_case(listener):
    """The process survived and still serves a new connection."""
    died = listener.program.restart_if_dead()
    if died:
        return [f"{listener.program.name} DIED ({died}); restarted for the next case"]
    r = simple_get(listener, "/healthz")
    if not (isinstance(r, Response) and r.status == 200):
        # A crashing process may still be dying (an abort writes its core): give it 3 s,
        # so the death is charged to the row that caused it, not to the next one.
        try:
            listener.program.proc.wait(3.0)
        except subprocess.TimeoutExpired:
            pass
        died = listener.program.restart_if_dead()
        return [f"afterwards, GET /healthz on a new connection: {r}"] + (
            [f"{listener.program.name} DIED ({died}); restarted for the next case"] if died else [])
    return []


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []  # (listener, case name, errors, ms)

    def add(self, listener_name, case_name, errors, ms):
        with self.lock:
            self.rows.append((listener_name, case_name, errors, ms))
        mark = "PASS" if not errors else "FAIL"
        lines = [f"{mark}  {listener_name:<20} {case_name}  ({ms} ms)"]
        lines += [f"        - {e}" for e in errors]
        say("\n".join(lines))


def run_table(listeners, only, results, deadline):
    for listener in listeners:
        for case in TABLE:
            if only and not re.search(only, case.name):
                continue
            if time.monotonic() > deadline:  # a server that hangs on every row: stay bounded
                results.add(listener.name, case.name, ["not run: the time budget is spent"], 0)
                continue
            t0 = time.monotonic()
            try:
                errors = case.run(listener) if case.run else run_generic(case, listener)
            except (OSError, ssl.SSLError, ProtocolError) as e:
                errors = [f"{type(e).__name__}: {e}"]
            errors += after_case(listener)
            results.add(listener.name, case.name, errors, int((time.monotonic() - t0) * 1000))


# ---------------------------------------------------------------------------------------
# Connection limit and memory

def check_max_connections(listener):
    errors, held = [], []
    try:
        for i in range(MAX_CONNECTIONS):
            c = Conn(listener)
            held.append(c)
            c.send(edge_cases.get())
            r = c.read_response(time.monotonic() + 2)
            if r is None or r.status != 200:
                return [f"connection {i + 1} of {MAX_CONNECTIONS}: got {r}, want 200"]
        outcome = None
        try:
            extra = Conn(listener)
        except (ConnectionRefusedError, ConnectionResetError, ssl.SSLError) as e:
            outcome = f"refused ({type(e).__name__})"
        else:
            with extra:
                extra.send(edge_cases.get())
                try:
                    r = extra.read_response(time.monotonic() + 2)
                except ProtocolError as e:
                    r, outcome = None, f"malformed: {e}"
                if r is None:
                    if extra.eof:
                        outcome = f"closed without a response ({extra.eof_how})"
                    else:
                        errors.append(f"connection {MAX_CONNECTIONS + 1}: no answer within 2 s, "
                                      "still open (want 503 + Retry-After, or a close)")
                elif r.status == 503:
                    if r.header("Retry-After") is None:
                        errors.append(f"connection {MAX_CONNECTIONS + 1}: 503 without Retry-After")
                    outcome = f"503, Retry-After: {r.header('Retry-After')}"
                else:
                    errors.append(f"connection {MAX_CONNECTIONS + 1} got {r.status}: the limit "
                                  f"of {MAX_CONNECTIONS} is not enforced")
        if outcome:
            say(f"      ({listener.name}: connection {MAX_CONNECTIONS + 1} -> {outcome})")
    finally:
        for c in held:
            c.close()
    deadline = time.monotonic() + 3
    while True:
        r = simple_get(listener, "/healthz")
        if isinstance(r, Response) and r.status == 200:
            break
        if time.monotonic() > deadline:
            errors.append(f"after closing the {MAX_CONNECTIONS}, a new request: {r}")
            break
        time.sleep(0.05)
    return errors


def check_memory(listener):
    pid = listener.program.proc.pid
    base = vm_rss_kib(pid)
    stop = time.monotonic() + MEMORY_SECONDS
    stats = {"connections": 0, "bytes": 0}
    lock = threading.Lock()
    per_worker_cap = 64 * 1024 * 1024
    heads = [
        (b"GET /healthz HTTP/1.1\r\n" + edge_cases.b(edge_cases.H) + b"X-Junk: ", b"j" * 16384),
        (b"POST /oauth2/token HTTP/1.1\r\n" + edge_cases.b(edge_cases.H) + edge_cases.b(edge_cases.FORM)
         + b"Transfer-Encoding: chunked\r\n\r\n", b"4000\r\n" + b"j" * 16384 + b"\r\n"),
    ]

    def worker(n):
        head, filler = heads[n % 2]
        sent = 0
        while time.monotonic() < stop and sent < per_worker_cap:
            try:
                with Conn(listener, timeout=1) as c:
                    c.send(head)
                    c.stream(filler, per_worker_cap - sent, stop)
                    sent += c.sent
            except OSError:
                time.sleep(0.01)
                continue
            with lock:
                stats["connections"] += 1
        with lock:
            stats["bytes"] += sent

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(MEMORY_CONNECTIONS)]
    for t in threads:
        t.start()
    peak = base or 0
    while any(t.is_alive() for t in threads):
        rss = vm_rss_kib(pid)
        if rss:
            peak = max(peak, rss)
        time.sleep(0.05)
    for t in threads:
        t.join()
    after = vm_rss_kib(pid)
    say(f"      ({listener.name}: VmRSS baseline {base / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB "
        f"(+{(peak - base) / 1024:.1f}), after {after / 1024 if after else 0:.1f} MiB; "
        f"{MEMORY_CONNECTIONS} connections at once, {stats['connections']} opened in "
        f"{MEMORY_SECONDS:.0f} s, {stats['bytes'] / 1048576:.0f} MiB of junk sent)")
    errors = []
    if base is None:
        return ["cannot read VmRSS"]
    if peak - base > MEMORY_LIMIT_MIB * 1024:
        errors.append(f"VmRSS grew {(peak - base) / 1024:.0f} MiB (> {MEMORY_LIMIT_MIB} MiB) "
                      "under junk: buffering is not bounded")
    return errors


# ---------------------------------------------------------------------------------------
# Setup

def supported_flags(binary, wanted):
    """The subset of WANTED flags that BINARY's --help knows (before the Beast server lands,
    none of the --http-* flags exist and passing one would stop the program)."""
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    help_text += subprocess.run([binary, "--help"], capture_output=True, text=True).stderr
    have, missing = [], []
    for flag, value in wanted:
        (have if f"--{flag}" in help_text else missing).append((flag, value))
    if missing:
        say(f"NOTE  {os.path.basename(binary)} has no "
            f"{', '.join('--' + f for f, _ in missing)}: started without them (old HTTP server?)")
    return [f"--{f}={v}" for f, v in have]


def kubectl_client_id(secret_file, timeout=10.0):
    """The quickstart kubectl OidcClient's generated client_id, from the Secret manifest
    local mode writes (data.client_id, base64)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(secret_file) as f:
                m = re.search(r"^\s+client_id:\s*\"?([A-Za-z0-9+/=]+)", f.read(), re.M)
            if m:
                return base64.b64decode(m.group(1)).decode()
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"no client_id in {secret_file} within {timeout:.0f} s")


def make_cert(work):
    cert, key = os.path.join(work, "tls.crt"), os.path.join(work, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    ctx = ssl.create_default_context(cafile=cert)
    return cert, key, ctx


def timeout_flags(idle=IDLE_TIMEOUT):
    return [("http-header-timeout", f"{HEADER_TIMEOUT:.0f}s"),
            ("http-body-timeout", f"{BODY_TIMEOUT:.0f}s"),
            ("http-idle-timeout", f"{idle:.0f}s")]


SHUTDOWN_DELAY = 1


def check_graceful_shutdown(listener):
    """SIGTERM: /readyz answers 503 at once while requests are still served for
    --shutdown-delay; a request in flight finishes with Connection: close; an idle kept-alive
    connection is closed; the process exits 0 within delay + timeout."""
    errors = []
    proc = listener.program.proc
    idle = Conn(listener)
    idle.send(get())
    first = idle.read_response(time.monotonic() + 2)
    if not isinstance(first, Response) or first.status != 200:
        return [f"idle connection's first request got {first}"]
    busy = Conn(listener)
    # A request in flight: its head and half its body are sent before the signal.
    body = b"grant_type=client_credentials&client_id=nope&client_secret=x"
    busy.send(b"POST /oauth2/token HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
    time.sleep(0.2)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    ready = simple_get(listener, "/readyz", timeout=1.0)
    if not isinstance(ready, Response) or ready.status != 503:
        errors.append(f"/readyz during the shutdown delay answered {ready}, want 503")
    busy.send(body[10:])
    done = busy.read_response(time.monotonic() + 3)
    if not isinstance(done, Response) or done.status != 401:
        errors.append(f"the request in flight got {done}, want its 401 invalid_client")
    elif (done.header("Connection") or "").lower() != "close":
        errors.append("the request in flight was answered without Connection: close")
    if not idle.wait_closed(time.monotonic() + SHUTDOWN_DELAY + 2):
        errors.append("the idle kept-alive connection was not closed")
    try:
        code = proc.wait(timeout=SHUTDOWN_DELAY + 6)
        if code != 0:
            errors.append(f"exited with {describe_exit(code)}, want 0")
    except subprocess.TimeoutExpired:
        errors.append("still running 7 s after SIGTERM")
    say(f"      ({listener.name}: exited {time.monotonic() - t0:.1f} s after SIGTERM)")
    idle.close()
    busy.close()
    return errors


def setup(build, work):
    controller_bin = os.path.join(build, "controller", "nauthera-controller")
    token_bin = os.path.join(build, "tokenserver", "nauthera-tokenserver")
    for path in (controller_bin, token_bin):
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"{path} is not built")
    manifests, state, logs = (os.path.join(work, d) for d in ("manifests", "state", "logs"))
    shutil.copytree(os.path.join(ROOT, "examples", "quickstart"), manifests)
    os.makedirs(state)
    os.makedirs(logs)
    cert, key, ctx = make_cert(work)
    ctrl, metrics, ts_http, ts_https, ts_limited = (free_port() for _ in range(5))
    controller_flags = supported_flags(controller_bin, timeout_flags())
    token_flags = supported_flags(token_bin, timeout_flags())
    limited_flags = supported_flags(token_bin, timeout_flags(idle=30) +
                                    [("http-max-connections", str(MAX_CONNECTIONS)),
                                     ("shutdown-delay", f"{SHUTDOWN_DELAY}s"),
                                     ("shutdown-timeout", "5s")])

    programs, listeners = {}, {}

    def program(name, argv, port, kind, tls=False):
        listener = Listener(name, kind, port, None, tls, ctx if tls else None)
        p = Program(name, argv, os.path.join(logs, f"{name}.log"), listener)
        listener.program = p
        programs[name], listeners[name] = p, listener
        return p, listener

    ctrl_p, _ = program("controller-http", [
        controller_bin, f"--manifests={manifests}", f"--state-dir={state}",
        f"--issuer-url=http://{HOST}:{ts_http}",
        f"--http-listen=http://{HOST}:{ctrl}", f"--metrics-listen=http://{HOST}:{metrics}",
        *controller_flags], ctrl, "controller")
    metrics_l = Listener("controller-metrics", "controller", metrics, ctrl_p)
    listeners["controller-metrics"] = metrics_l
    # The state stream: the controller's Unix socket in its state folder (never plaintext TCP).
    token = [token_bin, f"--controller=unix:{os.path.join(state, 'state.sock')}", "--threads=2"]
    program("tokenserver-http", token + [f"--listen=http://{HOST}:{ts_http}", *token_flags],
            ts_http, "tokenserver")
    program("tokenserver-https", token + [f"--listen=https://{HOST}:{ts_https}",
                                          f"--tls-cert-file={cert}", f"--tls-key-file={key}",
                                          *token_flags], ts_https, "tokenserver", tls=True)
    program("tokenserver-limited", token + [f"--listen=http://{HOST}:{ts_limited}",
                                            *limited_flags], ts_limited, "tokenserver")
    ctrl_p.start()
    client_id = kubectl_client_id(os.path.join(state, "secrets", "nauthera-system",
                                               "kubectl-credentials.yaml"))
    for listener in listeners.values():
        listener.kubectl_client_id = client_id
    for name in ("tokenserver-http", "tokenserver-https", "tokenserver-limited"):
        programs[name].start()
    return programs, listeners


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--work-dir", default="")
    ap.add_argument("--only", default="", help="run only the table rows matching REGEX")
    ap.add_argument("--budget", type=float, default=80,
                    help="seconds for the tables; rows not started by then fail as not run")
    ap.add_argument("--no-load", action="store_true", help="skip the connection-limit and memory checks")
    args = ap.parse_args()
    if args.work_dir:
        shutil.rmtree(args.work_dir, ignore_errors=True)
        os.makedirs(args.work_dir)
        work = os.path.abspath(args.work_dir)
    else:
        work = tempfile.mkdtemp(prefix="nauthera-edge.")
    t_start = time.monotonic()
    say(f"edge_test: work dir {work} (logs in {work}/logs)")
    programs = {}
    results = Results()
    try:
        try:
            programs, listeners = setup(args.build_dir, work)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            say(f"FAIL  setup: {e}")
            return 1
        for name, l in listeners.items():
            say(f"      {name}: {'https' if l.tls else 'http'}://{HOST}:{l.port} "
                f"({l.program.name} pid {l.program.proc.pid})")
        groups = [[listeners["controller-http"], listeners["controller-metrics"]],
                  [listeners["tokenserver-http"]], [listeners["tokenserver-https"]]]
        deadline = t_start + args.budget
        threads = [threading.Thread(target=run_table, args=(g, args.only, results, deadline))
                   for g in groups]
        if not args.no_load:
            def limit():
                t0 = time.monotonic()
                l = listeners["tokenserver-limited"]
                errors = check_max_connections(l) + after_case(l)
                results.add(l.name, f"max connections {MAX_CONNECTIONS}: the next gets 503 + "
                            "Retry-After (or a close); a new one works after they close",
                            errors, int((time.monotonic() - t0) * 1000))
            threads.append(threading.Thread(target=limit))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not args.no_load:
            l = listeners["tokenserver-limited"]
            t0 = time.monotonic()
            results.add(l.name, "SIGTERM: /readyz 503 at once, in-flight request finished with "
                        "Connection: close, idle connection closed, exit 0",
                        check_graceful_shutdown(l), int((time.monotonic() - t0) * 1000))
            l = listeners["tokenserver-http"]
            t0 = time.monotonic()
            errors = check_memory(l) + after_case(l)
            results.add(l.name, f"memory bounded: {MEMORY_CONNECTIONS} connections streaming "
                        f"junk for {MEMORY_SECONDS:.0f} s stay under +{MEMORY_LIMIT_MIB} MiB VmRSS",
                        errors, int((time.monotonic() - t0) * 1000))
    finally:
        for p in programs.values():
            p.stop()
    failed = [r for r in results.rows if r[2]]
    say("")
    for p in programs.values():
        if p.deaths:
            say(f"edge_test: {p.name} died {len(p.deaths)} times: {', '.join(sorted(set(p.deaths)))}")
    for listener_name, case_name, errors, _ in failed:
        say(f"  failed: [{listener_name}] {case_name}: {errors[0]}")
    say(f"edge_test: {time.monotonic() - t_start:.0f} s; logs in {work}/logs")
    say(f"edge_test: {len(results.rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not results.rows else 0


if __name__ == "__main__":
    sys.exit(main())
