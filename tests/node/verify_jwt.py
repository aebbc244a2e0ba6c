#!/usr/bin/env python3
"""Verifies a JWT against a JWKS with python `cryptography` (code we did not write).

Usage: verify_jwt.py JWKS_FILE ISSUER < token
Checks: alg RS256 (RFC 7518 §3.3), a JWKS key with the token's kid, the RSASSA-PKCS1-v1_5
SHA-256 signature over header.payload (RFC 7515 §5.2), iss equal to ISSUER and exp in the
future (RFC 7519 §4.1.1, §4.1.4). Prints the payload's kid, iss and exp; exit 1 with the
reason otherwise.
"""
import base64
import json
import sys
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main():
    jwks = json.load(open(sys.argv[1]))
    issuer = sys.argv[2]
    token = sys.stdin.read().strip()
    head_b64, payload_b64, sig_b64 = token.split(".")
    header = json.loads(b64url(head_b64))
    payload = json.loads(b64url(payload_b64))
    if header.get("alg") != "RS256":
        sys.exit(f"alg {header.get('alg')!r} is not RS256")
    keys = [k for k in jwks["keys"] if k.get("kid") == header.get("kid")]
    if not keys:
        sys.exit(f"no JWKS key with kid {header.get('kid')!r} (have {[k.get('kid') for k in jwks['keys']]})")
    k = keys[0]
    pub = rsa.RSAPublicNumbers(int.from_bytes(b64url(k["e"]), "big"),
                               int.from_bytes(b64url(k["n"]), "big")).public_key()
    try:
        pub.verify(b64url(sig_b64), f"{head_b64}.{payload_b64}".encode(), padding.PKCS1v15(),
                   hashes.SHA256())
    except Exception:  # InvalidSignature
        sys.exit("bad signature")
    if payload.get("iss") != issuer:
        sys.exit(f"iss {payload.get('iss')!r} != {issuer!r}")
    if not isinstance(payload.get("exp"), int) or payload["exp"] <= time.time():
        sys.exit(f"expired or no exp: {payload.get('exp')!r}")
    print(json.dumps({"kid": header["kid"], "iss": payload["iss"], "exp": payload["exp"]}))


if __name__ == "__main__":
    main()
