// RFC 7009 revocation and RFC 7662 introspection against the real token server, checked by
// npm openid-client 6 (client.tokenRevocation / client.tokenIntrospection), code we did not
// write. Sign-in is the authorization-code + PKCE flow with the login form posted by plain
// fetch (no browser); the code exchange, refresh and client-credentials grants are
// openid-client's.
//
//   node revoke-introspect.mjs --issuer URL --kubectl-id ID --rs-id ID --ci-id ID [--label TEXT]
// Secrets in the environment: RS_SECRET (OidcClient resource-server, client_secret_basic),
// CI_SECRET (NautheraServiceAccount ci-deployer), ALICE_PASSWORD.
// Prints one PASS/FAIL line per case and "revoke_introspect: N passed, N failed"; exit 1 on
// any FAIL.
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0 && fallback === undefined) throw new Error(`--${name} is required`);
  return i < 0 ? fallback : argv[i + 1];
};
const LABEL = opt('label', 'memory store');
const ISSUER = opt('issuer');
const KUBECTL_ID = opt('kubectl-id');
const RS_ID = opt('rs-id');
const CI_ID = opt('ci-id');
const { RS_SECRET, CI_SECRET, ALICE_PASSWORD } = process.env;
const REDIRECT_URI = 'http://localhost:8000';

let passed = 0;
let failed = 0;
async function runCase(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`PASS  ${LABEL}: ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${LABEL}: ${name}: ${e.stack || e.message}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function assertEq(got, want, what) {
  assert(got === want, `${what}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}
// An openid-client call that must fail with an OAuth error from the server.
async function expectOAuthError(promise, status, error, what) {
  try {
    await promise;
  } catch (e) {
    const gotStatus = e.status ?? e.response?.status;
    let gotError = e.error ?? e.code;
    // A 401 with WWW-Authenticate (HTTP Basic was used) surfaces as a challenge error whose
    // response body is still unread: the OAuth error is in it.
    if (e.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE') {
      const body = await e.response.json().catch(() => ({}));
      gotError = body.error;
      e.error_description = body.error_description;
      assert(e.cause?.[0]?.scheme === 'basic', `${what}: challenge ${JSON.stringify(e.cause)}`);
    }
    assert(gotStatus === status && gotError === error,
      `${what}: want ${status} ${error}, got ${gotStatus} ${gotError} (${e.name}: ${e.message}; ${e.error_description || ''})`);
    return e;
  }
  throw new Error(`${what}: succeeded, want ${status} ${error}`);
}

const insecure = { execute: [client.allowInsecureRequests] };
const kubectl = await client.discovery(new URL(ISSUER), KUBECTL_ID, undefined, client.None(), insecure);
const rs = await client.discovery(new URL(ISSUER), RS_ID, undefined, client.ClientSecretBasic(RS_SECRET), insecure);
const ci = await client.discovery(new URL(ISSUER), CI_ID, undefined, client.ClientSecretPost(CI_SECRET), insecure);

function htmlField(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`login page has no ${name} field`);
  return m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

// alice signs in to `config`'s client: authorize -> login form -> code -> openid-client's
// authorizationCodeGrant (which checks state, iss, nonce and the ID token).
async function signIn(config) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid profile email groups', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const page = await fetch(url, { redirect: 'manual' });
  const html = await page.text();
  assertEq(page.status, 200, `authorize: ${html.slice(0, 200)}`);
  const cookie = (page.headers.getSetCookie() || []).map((c) => c.split(';')[0]).join('; ');
  const login = await fetch(`${ISSUER}/oauth2/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({
      csrf_token: htmlField(html, 'csrf_token'), request: htmlField(html, 'request'),
      username: 'alice', password: ALICE_PASSWORD,
    }),
  });
  assertEq(login.status, 303, `login: ${(await login.text()).slice(0, 300)}`);
  const tokens = await client.authorizationCodeGrant(config, new URL(login.headers.get('location')), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
  });
  assert(tokens.refresh_token, 'the exchange gave a refresh token');
  return tokens;
}

// A raw POST, for what openid-client would not send.
async function rawPost(path, body, headers = {}) {
  const res = await fetch(`${ISSUER}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}
const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

await runCase('discovery lists revocation_endpoint and introspection_endpoint with their auth methods', async () => {
  const m = rs.serverMetadata();
  assertEq(m.revocation_endpoint, `${ISSUER}/oauth2/revoke`, 'revocation_endpoint');
  assertEq(m.introspection_endpoint, `${ISSUER}/oauth2/introspect`, 'introspection_endpoint');
  assert(m.revocation_endpoint_auth_methods_supported?.includes('none'), 'revocation takes public clients');
  assert(!m.introspection_endpoint_auth_methods_supported?.includes('none'), 'introspection does not take public clients');
  assert(m.introspection_endpoint_auth_methods_supported?.includes('client_secret_basic'), 'introspection takes Basic');
});

let alice;
await runCase('alice signs in with kubectl (public); resource-server introspects her access token: active, with claims', async () => {
  alice = await signIn(kubectl);
  const info = await client.tokenIntrospection(rs, alice.access_token, { token_type_hint: 'access_token' });
  assertEq(info.active, true, 'active');
  assertEq(info.client_id, KUBECTL_ID, 'client_id');
  assert([].concat(info.aud).includes(RS_ID), `aud names resource-server: ${JSON.stringify(info.aud)}`);
  assertEq(info.sub, alice.claims().sub, 'sub');
  assertEq(info.iss, ISSUER, 'iss');
  assertEq(info.token_type, 'Bearer', 'token_type');
  assertEq(info.username, 'alice', 'username');
  assert(typeof info.exp === 'number' && info.exp > Date.now() / 1000, `exp in the future: ${info.exp}`);
  assert(info.scope.split(' ').includes('openid'), `scope: ${info.scope}`);
});

await runCase('another client\'s refresh token is inactive for resource-server; kubectl (public) may not introspect', async () => {
  assert(alice, 'needs the sign-in');
  const info = await client.tokenIntrospection(rs, alice.refresh_token);
  assertEq(info.active, false, 'active');
  assertEq(Object.keys(info).length, 1, `nothing but active: ${JSON.stringify(info)}`);
  const e = await expectOAuthError(client.tokenIntrospection(kubectl, alice.access_token), 401, 'invalid_client',
    'public client introspects');
  assert(/confidential/.test(e.error_description || ''), `description: ${e.error_description}`);
});

await runCase('kubectl revokes its access token -> 400 unsupported_token_type (stateless, short-lived)', async () => {
  assert(alice, 'needs the sign-in');
  const e = await expectOAuthError(client.tokenRevocation(kubectl, alice.access_token, { token_type_hint: 'access_token' }),
    400, 'unsupported_token_type', 'revoke access token');
  assert(/expire on their own/.test(e.error_description || ''), `description: ${e.error_description}`);
});

await runCase('kubectl (public) revokes its refresh token; refreshing with it is then invalid_grant; revoking again is fine', async () => {
  assert(alice, 'needs the sign-in');
  // Rotation first: the live token is the successor.
  const rotated = await client.refreshTokenGrant(kubectl, alice.refresh_token);
  assert(rotated.refresh_token && rotated.refresh_token !== alice.refresh_token, 'rotation gave a new refresh token');
  await client.tokenRevocation(kubectl, rotated.refresh_token, { token_type_hint: 'refresh_token' });
  await expectOAuthError(client.refreshTokenGrant(kubectl, rotated.refresh_token), 400, 'invalid_grant', 'refresh after revoke');
  await client.tokenRevocation(kubectl, rotated.refresh_token);
  await client.tokenRevocation(kubectl, alice.refresh_token);
});

await runCase('resource-server (client_secret_basic): own refresh token active -> revoke -> inactive -> invalid_grant', async () => {
  const tokens = await signIn(rs);
  const live = await client.tokenIntrospection(rs, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  assertEq(live.active, true, 'active before');
  assertEq(live.client_id, RS_ID, 'client_id');
  assertEq(live.sub, tokens.claims().sub, 'sub');
  // kubectl cannot revoke it: 200 and nothing changes.
  await client.tokenRevocation(kubectl, tokens.refresh_token);
  assertEq((await client.tokenIntrospection(rs, tokens.refresh_token)).active, true, 'still active after kubectl tried');
  await client.tokenRevocation(rs, tokens.refresh_token);
  const dead = await client.tokenIntrospection(rs, tokens.refresh_token);
  assertEq(dead.active, false, 'active after revoke');
  await expectOAuthError(client.refreshTokenGrant(rs, tokens.refresh_token), 400, 'invalid_grant', 'refresh after revoke');
});

await runCase('ci-deployer (client_secret_post) introspects its client-credentials token', async () => {
  const tokens = await client.clientCredentialsGrant(ci, { scope: 'openid email' });
  const info = await client.tokenIntrospection(ci, tokens.access_token);
  assertEq(info.active, true, 'active');
  assertEq(info.client_id, CI_ID, 'client_id');
  assertEq(info.email, 'ci-deployer@ci-cd.svc', 'email');
  assert([info.aud].flat().includes(KUBECTL_ID), `aud has the kubectl client (audienceClients): ${JSON.stringify(info.aud)}`);
});

await runCase('garbage and hostile tokens are {"active": false}; revoking them is 200', async () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const ours = (await client.clientCredentialsGrant(ci, { scope: 'openid' })).access_token;
  const [h, p, s] = ours.split('.');
  const kid = JSON.parse(Buffer.from(h, 'base64url')).kid;
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const tokens = [
    'a.b.c', 'not-a-token', 'abc\u0000def', 'x'.repeat(9000),
    `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${p}.`,
    `${b64({ alg: 'HS256', typ: 'at+jwt', kid })}.${p}.${s}`,
    `${h}.${b64({ ...payload, iss: 'https://evil.example.com' })}.${s}`,
    `${h}.${b64({ ...payload, exp: payload.exp + 3600 })}.${s}`,
    `${h}.${p}.${s.slice(0, -4)}AAAA`,
  ];
  for (const token of tokens) {
    // Asked by ci-deployer, whose token they are forged from, so that only the forgery counts.
    const info = await client.tokenIntrospection(ci, token);
    assertEq(JSON.stringify(info), '{"active":false}', `introspect ${JSON.stringify(token.slice(0, 40))}`);
    await client.tokenRevocation(kubectl, token);
  }
  assertEq((await client.tokenIntrospection(ci, ours)).active, true, 'the real token still is active');
  // RFC 7662 §4: no policy names resource-server in ci-deployer's audiences.
  assertEq(JSON.stringify(await client.tokenIntrospection(rs, ours)), '{"active":false}',
    "another client's token, asked by resource-server");
});

await runCase('request errors: wrong secret 401 + WWW-Authenticate, missing token, duplicate, GET 405, JSON 400, no-store', async () => {
  const wrong = await client.discovery(new URL(ISSUER), RS_ID, undefined, client.ClientSecretBasic('wrong'), insecure);
  await expectOAuthError(client.tokenIntrospection(wrong, 'abc'), 401, 'invalid_client', 'wrong secret (introspect)');
  await expectOAuthError(client.tokenRevocation(wrong, 'abc'), 401, 'invalid_client', 'wrong secret (revoke)');
  for (const path of ['/oauth2/revoke', '/oauth2/introspect']) {
    const bad = await rawPost(path, 'token=abc', { authorization: basic(RS_ID, 'wrong') });
    assertEq(bad.status, 401, `${path} wrong secret status`);
    assert(/^Basic /.test(bad.headers.get('www-authenticate') || ''), `${path}: WWW-Authenticate: ${bad.headers.get('www-authenticate')}`);
    const missing = await rawPost(path, 'token_type_hint=refresh_token', { authorization: basic(RS_ID, RS_SECRET) });
    assertEq(`${missing.status} ${missing.json?.error}`, '400 invalid_request', `${path} missing token`);
    const dup = await rawPost(path, 'token=a&token=b', { authorization: basic(RS_ID, RS_SECRET) });
    assertEq(`${dup.status} ${dup.json?.error}`, '400 invalid_request', `${path} duplicate token`);
    const json = await rawPost(path, '{"token":"abc"}', { authorization: basic(RS_ID, RS_SECRET), 'content-type': 'application/json' });
    assertEq(`${json.status} ${json.json?.error}`, '400 invalid_request', `${path} JSON body`);
    const get = await fetch(`${ISSUER}${path}`, { headers: { authorization: basic(RS_ID, RS_SECRET) } });
    assertEq(get.status, 405, `${path} GET`);
    assertEq(get.headers.get('allow'), 'POST', `${path} Allow`);
    const huge = await rawPost(path, `token=${'A'.repeat(12000)}`, { authorization: basic(RS_ID, RS_SECRET) });
    assertEq(huge.status, 200, `${path} 12 KB token`);
    assertEq(huge.headers.get('cache-control'), 'no-store', `${path} Cache-Control`);
    const tooBig = await rawPost(path, `token=${'A'.repeat(70000)}`, { authorization: basic(RS_ID, RS_SECRET) });
    assert(tooBig.status === 400 || tooBig.status === 413, `${path} 70 KB body: ${tooBig.status} ${tooBig.text.slice(0, 100)}`);
  }
});

// The server is still healthy after all of that.
await runCase('the token server is still ready', async () => {
  const res = await fetch(`${ISSUER}/readyz`);
  assertEq(res.status, 200, '/readyz');
});

console.log(`revoke_introspect (${LABEL}): ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
