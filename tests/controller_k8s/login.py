#!/usr/bin/env python3
"""One interactive sign-in at a token server, as a browser without JavaScript does it:
GET /oauth2/authorize (authorization code + PKCE S256) -> the login page with its CSRF cookie,
CSRF token and sealed request -> POST /oauth2/login with the username and password -> when the
client asks for consent (OidcClient spec.consent), POST /oauth2/consent with Allow.

Prints the HTTP status of the POST: 303 (signed in; the redirect to REDIRECT_URI carries a
code), 401 (refused), 429 (too many attempts, "429 <Retry-After>"), anything else as is.
Exits 0 when it got as far as the POST, 1 otherwise.

Usage: login.py ISSUER CLIENT_ID REDIRECT_URI USERNAME PASSWORD
"""
import base64
import hashlib
import html
import http.client
import re
import secrets
import sys
import urllib.parse


def form_fields(page):
    """The hidden csrf_token and request of a login or consent page, or None."""
    fields = {}
    for name in ("csrf_token", "request"):
        match = re.search(r'name="%s" value="([^"]*)"' % name, page)
        if not match:
            print(f"the page has no {name} field")
            return None
        fields[name] = html.unescape(match.group(1))
    return fields


def main():
    issuer, client_id, redirect_uri, username, password = sys.argv[1:6]
    parts = urllib.parse.urlsplit(issuer)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid", "state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge, "code_challenge_method": "S256"})
    conn.request("GET", f"/oauth2/authorize?{query}")
    response = conn.getresponse()
    page = response.read().decode("utf-8", "replace")
    if response.status != 200:
        print(f"authorize answered {response.status}: {page[:300]}")
        return 1
    cookies = []
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            cookies.append(value.split(";", 1)[0])
    fields = form_fields(page)
    if fields is None:
        return 1
    fields.update({"username": username, "password": password})
    conn.request("POST", "/oauth2/login", urllib.parse.urlencode(fields),
                 {"Content-Type": "application/x-www-form-urlencoded",
                  "Cookie": "; ".join(cookies)})
    response = conn.getresponse()
    page = response.read().decode("utf-8", "replace")
    if response.status == 200 and 'action="/oauth2/consent"' in page:
        # Signed in; the consent page asks first (OIDC Core §3.1.2.4): Allow.
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookies.append(value.split(";", 1)[0])
        fields = form_fields(page)
        if fields is None:
            return 1
        fields["decision"] = "allow"
        conn.request("POST", "/oauth2/consent", urllib.parse.urlencode(fields),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Cookie": "; ".join(cookies)})
        response = conn.getresponse()
        response.read()
    if response.status == 303:
        location = response.getheader("Location", "")
        if not location.startswith(redirect_uri) or "code=" not in location:
            print(f"303 to an unexpected place: {location}")
            return 1
    if response.status == 429:
        print(f"429 {response.getheader('Retry-After', '1')}")
    else:
        print(response.status)
    return 0


if __name__ == "__main__":
    sys.exit(main())
