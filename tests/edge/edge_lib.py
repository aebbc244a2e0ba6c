"""Raw-socket HTTP/1.1 client pieces and process control for edge_test.py (stdlib only).

Nothing here is a real HTTP client on purpose: the edge test must send bytes a client
library would refuse to send (bare CR, obs-fold, two Content-Lengths, a chunk size of -1)
and see exactly what comes back, including whether the server closed the connection.
"""

import ctypes
import os
import select
import signal
import socket
import ssl
import subprocess
import time

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def vm_rss_kib(pid):
    """The process's resident set size in KiB (VmRSS in /proc/PID/status), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Response:
    def __init__(self, version, status, reason, headers, body, raw):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] in order, names as sent
        self.body = body
        self.raw = raw  # head + body bytes exactly as received

    def header(self, name):
        """The last value of header NAME (case-insensitive), or None."""
        value = None
        for n, v in self.headers:
            if n.lower() == name.lower():
                value = v
        return value

    def header_count(self, name):
        return sum(1 for n, _ in self.headers if n.lower() == name.lower())

    def __repr__(self):
        return f"HTTP {self.status}"


class ProtocolError(Exception):
    """The server's bytes are not a well-formed HTTP/1.1 response."""


_CLOSE_ERRORS = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError,
                 ssl.SSLEOFError, ssl.SSLZeroReturnError)


class Conn:
    """One client connection (TLS-wrapped when the listener is https) with a read buffer.

    A reset, an EPIPE or a TLS EOF all count as "the server closed the connection": a server
    that closes with unread request bytes in its buffer sends RST, which is still a close.
    """

    def __init__(self, listener, timeout=2.0):
        raw = socket.create_connection((HOST, listener.port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if listener.tls:
            try:
                raw = listener.ssl_context.wrap_socket(raw, server_hostname=HOST)
            except BaseException:
                raw.close()
                raise
        self.sock = raw
        self.tls = listener.tls
        self.buf = b""
        self.eof = False
        self.eof_how = None  # "FIN", "RST", "TLS EOF"
        self.sent = 0
        self.send_failed = None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- sending ---------------------------------------------------------------------------
    def send(self, data, timeout=2.0):
        """Sends all of DATA; returns False (and remembers why) when the server closed."""
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(data)
            self.sent += len(data)
            return True
        except _CLOSE_ERRORS as e:
            self.send_failed = type(e).__name__
            return False
        except (TimeoutError, socket.timeout):
            self.send_failed = "send timed out (server not reading)"
            return False
        except OSError as e:
            self.send_failed = f"{type(e).__name__}: {e}"
            return False

    def stream(self, filler, cap, deadline):
        """Keeps sending FILLER until the server answers or closes, CAP bytes are sent, or
        DEADLINE passes. Returns the number of bytes sent by this call."""
        sent = 0
        while sent < cap and time.monotonic() < deadline and not self.eof:
            if self._poll_readable(0.002):
                break
            self.sock.settimeout(0.05)
            try:
                n = self.sock.send(filler)
                sent += n
                self.sent += n
            except (TimeoutError, socket.timeout, ssl.SSLWantWriteError):
                continue
            except _CLOSE_ERRORS + (OSError,) as e:
                self.send_failed = type(e).__name__
                break
        return sent

    def _poll_readable(self, wait):
        """True once application bytes (or EOF) have arrived; appends them to the buffer.
        A TLS record with no application data (a session ticket) does not count."""
        if self.tls and self.sock.pending():
            return self._read_some(0.0)
        r, _, _ = select.select([self.sock], [], [], wait)
        if not r:
            return False
        return self._read_some(0.0)

    # -- receiving -------------------------------------------------------------------------
    def _read_some(self, timeout):
        """One recv. True when bytes or EOF arrived, False on timeout / no app data."""
        if self.eof:
            return True
        self.sock.settimeout(timeout if timeout > 0 else 0.0)
        try:
            data = self.sock.recv(65536)
        except (TimeoutError, socket.timeout, BlockingIOError, ssl.SSLWantReadError,
                ssl.SSLWantWriteError):
            return False
        except ConnectionResetError:
            self.eof, self.eof_how = True, "RST"
            return True
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
            self.eof, self.eof_how = True, "TLS EOF"
            return True
        except ssl.SSLError as e:
            self.eof, self.eof_how = True, f"TLS error {e.reason}"
            return True
        except OSError as e:
            self.eof, self.eof_how = True, f"{type(e).__name__}"
            return True
        if not data:
            self.eof, self.eof_how = True, "FIN"
            return True
        self.buf += data
        return True

    def _fill(self, deadline):
        """Waits for more bytes; False on EOF or deadline."""
        while True:
            if self.eof:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            before = len(self.buf)
            self._read_some(min(left, 0.25))
            if len(self.buf) > before:
                return True

    def _take_line_block(self, deadline, end=b"\r\n\r\n"):
        while end not in self.buf:
            if len(self.buf) > 1024 * 1024:
                raise ProtocolError("response head larger than 1 MiB")
            if not self._fill(deadline):
                return None
        i = self.buf.index(end) + len(end)
        block, self.buf = self.buf[:i], self.buf[i:]
        return block

    def _take(self, n, deadline):
        while len(self.buf) < n:
            if not self._fill(deadline):
                raise ProtocolError(f"connection ended inside a body ({len(self.buf)} of {n} bytes)")
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_response(self, deadline, head_request=False):
        """The next response, or None when the connection ended / the deadline passed before
        a complete head arrived (self.eof tells which). Raises ProtocolError on garbage."""
        while True:
            head = self._take_line_block(deadline)
            if head is None:
                if self.buf and self.eof:
                    raise ProtocolError(f"connection ended inside a response head: {self.buf[:80]!r}")
                return None
            response = self._parse(head, deadline, head_request)
            if 100 <= response.status < 200:
                continue  # 100 Continue and friends: the final answer follows
            return response

    def _parse(self, head, deadline, head_request):
        lines = head[:-4].split(b"\r\n")
        status_line = lines[0].decode("latin-1")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ProtocolError(f"not a status line: {status_line[:100]!r}")
        headers = []
        for line in lines[1:]:
            if b"\r" in line or b"\n" in line:
                raise ProtocolError(f"bare CR/LF inside a response header line: {line[:100]!r}")
            name, sep, value = line.partition(b":")
            if not sep:
                raise ProtocolError(f"response header line without colon: {line[:100]!r}")
            headers.append((name.decode("latin-1"), value.strip(b" \t").decode("latin-1")))
        status = int(parts[1])
        r = Response(parts[0], status, parts[2] if len(parts) > 2 else "", headers, b"", head)
        if head_request or status in (204, 304) or 100 <= status < 200:
            return r
        te = (r.header("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            r.body = self._chunked_body(deadline)
        elif r.header("Content-Length") is not None:
            r.body = self._take(int(r.header("Content-Length")), deadline)
        else:  # HTTP/1.1 §6.3 item 8: until close
            while self._fill(deadline):
                pass
            r.body, self.buf = self.buf, b""
        r.raw = head + r.body
        return r

    def _chunked_body(self, deadline):
        body = b""
        while True:
            line = self._take_line_block(deadline, b"\r\n")
            if line is None:
                raise ProtocolError("connection ended inside a chunked response")
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                while self._take_line_block(deadline, b"\r\n") not in (b"\r\n", None):
                    pass
                return body
            body += self._take(size, deadline)
            self._take(2, deadline)

    def wait_closed(self, deadline):
        """True when the server closed by DEADLINE. Bytes that came first are left in buf."""
        while not self.eof and time.monotonic() < deadline:
            self._read_some(min(0.25, max(0.0, deadline - time.monotonic())) or 0.01)
        return self.eof


# ---------------------------------------------------------------------------------------
# Processes

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # The programs must not outlive the test (ctest kills only its own child on timeout).
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class Program:
    """One of the real programs, restartable on the same ports after a crash."""

    def __init__(self, name, argv, log_path, ready_listener, ready_path="/readyz"):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.ready_listener = ready_listener
        self.ready_path = ready_path
        self.proc = None
        self.deaths = []

    def start(self, timeout=20.0):
        log = open(self.log_path, "ab")
        log.write(f"\n==== start {' '.join(self.argv)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({describe_exit(self.proc.returncode)}) "
                                   f"while starting; see {self.log_path}")
            last = simple_get(self.ready_listener, self.ready_path, timeout=1.0)
            if isinstance(last, Response) and last.status == 200:
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: {self.ready_path} not 200 within {timeout:.0f} s "
                           f"(last: {last}); see {self.log_path}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def restart_if_dead(self):
        """None when alive; otherwise how it died, after starting it again."""
        if self.alive():
            return None
        how = describe_exit(self.proc.returncode)
        self.deaths.append(how)
        try:
            self.start()
        except RuntimeError as e:
            how += f"; restart failed: {e}"
        return how

    def stop(self):
        if not self.alive():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def describe_exit(code):
    if code is None:
        return "running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def simple_get(listener, path, timeout=2.0, method="GET"):
    """A well-formed request on a new connection: a Response, or a string saying what failed."""
    try:
        with Conn(listener, timeout=timeout) as c:
            req = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{listener.port}\r\n"
                   f"Connection: close\r\n\r\n").encode()
            if not c.send(req):
                return f"send failed ({c.send_failed})"
            r = c.read_response(time.monotonic() + timeout, head_request=(method == "HEAD"))
            return r if r is not None else ("closed without a response" if c.eof else "no response")
    except (OSError, ssl.SSLError, ProtocolError) as e:
        return f"{type(e).__name__}: {e}"
