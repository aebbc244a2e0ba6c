#!/usr/bin/env python3
"""Propagation latency of nauthera-controller in Kubernetes mode, measured from outside:

  apply   create a NautheraServiceAccount (one POST to kube-apiserver) -> its
          <name>-credentials Secret exists -> the token server (nauthera-tokenserver) grants a
          client_credentials token for the client_id and client_secret read from that Secret
  delete  delete the NautheraServiceAccount -> the token server refuses those credentials (401)

Each try polls every 5 ms over keep-alive connections (no kubectl process start-up in the
figures). Prints one line per try and the median and worst of each, in ms; exits 1 if a try
does not finish within the timeout.

Usage: latency.py --namespace NS --issuer URL [--tries 20] [--timeout 20]
Environment: CP_APISERVER_URL, CP_WORKDIR (the control plane's admin certificate in pki/).
"""
import argparse
import base64
import http.client
import json
import os
import ssl
import statistics
import sys
import time
import urllib.parse

POLL = 0.005


class Conn:
    """One keep-alive HTTP(S) connection, reopened after an error."""

    def __init__(self, url, context=None):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.https = parts.hostname, parts.port, parts.scheme == "https"
        self.context = context
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                if self.https:
                    self.conn = http.client.HTTPSConnection(self.host, self.port,
                                                            context=self.context, timeout=5)
                else:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()

    pki = os.path.join(os.environ["CP_WORKDIR"], "pki")
    context = ssl.create_default_context(cafile=os.path.join(pki, "ca.crt"))
    context.load_cert_chain(os.path.join(pki, "admin.crt"), os.path.join(pki, "admin.key"))
    api = Conn(os.environ["CP_APISERVER_URL"], context)
    token_server = Conn(args.issuer)
    ns = args.namespace
    accounts = f"/apis/auth.nauthera.io/v1alpha1/namespaces/{ns}/nautheraserviceaccounts"

    def token_status(client_id, client_secret):
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                       "client_secret": client_secret, "scope": "openid"})
        status, _ = token_server.request(
            "POST", "/oauth2/token", body,
            {"Content-Type": "application/x-www-form-urlencoded"})
        return status

    def until(what, deadline, probe):
        while True:
            value = probe()
            if value is not None:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(what)
            time.sleep(POLL)

    accept_ms, secret_ms, reject_ms = [], [], []
    suffix = int(time.time()) % 100000
    for i in range(args.tries):
        name = f"lat-{suffix}-{i}"
        manifest = {"apiVersion": "auth.nauthera.io/v1alpha1", "kind": "NautheraServiceAccount",
                    "metadata": {"name": name, "namespace": ns},
                    "spec": {"allowedScopes": ["openid"]}}
        try:
            # apply -> Secret -> token granted
            t0 = time.monotonic()
            deadline = t0 + args.timeout
            status, body = api.request("POST", accounts, json.dumps(manifest),
                                       {"Content-Type": "application/json"})
            if status != 201:
                raise RuntimeError(f"create {name}: HTTP {status} {body[:200]!r}")

            def read_secret():
                status, body = api.request(
                    "GET", f"/api/v1/namespaces/{ns}/secrets/{name}-credentials")
                if status != 200:
                    return None
                data = json.loads(body).get("data", {})
                if "client_id" not in data or "client_secret" not in data:
                    return None
                return (base64.b64decode(data["client_id"]).decode(),
                        base64.b64decode(data["client_secret"]).decode())

            client_id, client_secret = until(f"{name}: no Secret", deadline, read_secret)
            t_secret = time.monotonic()
            until(f"{name}: token server never granted a token", deadline,
                  lambda: True if token_status(client_id, client_secret) == 200 else None)
            t_accept = time.monotonic()
            # delete -> token refused
            status, body = api.request("DELETE", f"{accounts}/{name}")
            if status not in (200, 202):
                raise RuntimeError(f"delete {name}: HTTP {status} {body[:200]!r}")
            t1 = time.monotonic()
            until(f"{name}: token server still grants after the delete", t1 + args.timeout,
                  lambda: True if token_status(client_id, client_secret) == 401 else None)
            t_reject = time.monotonic()
        except (TimeoutError, RuntimeError, OSError) as error:
            print(f"try {i}: FAILED: {error}")
            return 1
        secret_ms.append((t_secret - t0) * 1000)
        accept_ms.append((t_accept - t0) * 1000)
        reject_ms.append((t_reject - t1) * 1000)
        print(f"try {i:2d}: Secret after {secret_ms[-1]:6.1f} ms, token granted after "
              f"{accept_ms[-1]:6.1f} ms; deleted -> refused after {reject_ms[-1]:6.1f} ms")

    def summary(values):
        return f"median {statistics.median(values):.0f} ms, worst {max(values):.0f} ms"

    print(f"apply->Secret: {summary(secret_ms)}")
    print(f"apply->token accepted: {summary(accept_ms)}")
    print(f"delete->token refused: {summary(reject_ms)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
