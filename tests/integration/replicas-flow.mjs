// Drives the authorization-code + PKCE flow against two token-server replicas with plain
// fetch (no browser: the login form is posted directly), to show what must be shared between
// replicas is shared: a code issued by A is redeemed on B, single use and refresh rotation
// hold across them, reuse revokes a family on both, and the login limits count across them.
// ID tokens are verified with npm `jose` against the JWKS (code we did not write).
//
//   node replicas-flow.mjs COMMAND --a URL --b URL --client-id ID [--label TEXT] [--bench N]
//                          [--session-file FILE]
// --session-file: `shared` saves alice's session cookie there; `outage` uses it to reach the
// authorize endpoint's no-password path, which must store a code.
// COMMAND:
//   shared    the cross-replica cases (replicas share a store); exit 1 on any FAIL
//   separate  the same first case with two memory replicas: B must refuse A's code
//   outage    the store is down: token endpoint 503 temporarily_unavailable, login 503
//   flow      one full flow: sign in on B, redeem on A
//   bench     N sequential refreshes on A and N on B, interleaved (so machine load falls
//             on both alike); prints latency percentiles of each as JSON
// Passwords come from ALICE_PASSWORD and BOB_PASSWORD.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as jose from 'jose';

const argv = process.argv.slice(2);
const command = argv[0];
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const A = opt('a');
const B = opt('b');
const clientId = opt('client-id');
const label = opt('label', command);
const sessionFile = opt('session-file');
const redirectUri = 'http://localhost:8000';
const alicePassword = process.env.ALICE_PASSWORD;
const bobPassword = process.env.BOB_PASSWORD;
const b64url = (buf) => buf.toString('base64url');

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`PASS  ${label}: ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${label}: ${name}: ${e.message}`);
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}

function htmlField(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`login page has no ${name} field`);
  return m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

function authorizeUrl(base, request, verifier) {
  const url = new URL(`${base}/oauth2/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri,
    scope: 'openid profile email groups', state: request.state, nonce: request.nonce,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  })) url.searchParams.set(k, v);
  return url;
}

// GET /oauth2/authorize on `base`: the login form and its CSRF cookie, plus the PKCE
// verifier, state and nonce of this request.
async function loginForm(base) {
  const verifier = b64url(randomBytes(32));
  const request = {
    verifier,
    state: b64url(randomBytes(16)),
    nonce: b64url(randomBytes(16)),
  };
  const res = await fetch(authorizeUrl(base, request, verifier), { redirect: 'manual' });
  const html = await res.text();
  expect(res.status === 200, `authorize on ${base} answered ${res.status}: ${html.slice(0, 200)}`);
  const cookie = (res.headers.getSetCookie() || []).map((c) => c.split(';')[0])
    .find((c) => c.includes('csrf'));
  expect(cookie, 'authorize set no CSRF cookie');
  request.form = { csrf_token: htmlField(html, 'csrf_token'), request: htmlField(html, 'request') };
  request.cookie = cookie;
  return request;
}

// POST /oauth2/login on `base`; the raw response (303 with the code on success).
async function postLogin(base, request, username, password) {
  return fetch(`${base}/oauth2/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: request.cookie },
    body: new URLSearchParams({ ...request.form, username, password }),
  });
}

// Sign in as alice on `base`: the code from the redirect (state and iss checked).
async function signIn(base) {
  const request = await loginForm(base);
  const res = await postLogin(base, request, 'alice', alicePassword);
  expect(res.status === 303, `login on ${base} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const location = new URL(res.headers.get('location'));
  expect(location.searchParams.get('state') === request.state, 'state does not match');
  const code = location.searchParams.get('code');
  expect(code, `no code in ${location}`);
  const session = (res.headers.getSetCookie() || []).map((c) => c.split(';')[0])
    .find((c) => c.includes('session'));
  return { ...request, code, session };
}

async function tokenRequest(base, params) {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, ...params }),
  });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = { raw: text }; }
  return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
}

const exchange = (base, flow) => tokenRequest(base, {
  grant_type: 'authorization_code', code: flow.code, redirect_uri: redirectUri,
  code_verifier: flow.verifier,
});
const refresh = (base, token) => tokenRequest(base, { grant_type: 'refresh_token', refresh_token: token });

function expectError(res, status, error, what) {
  expect(res.status === status && res.body.error === error,
    `${what}: want ${status} ${error}, got ${res.status} ${JSON.stringify(res.body)}`);
}

async function verifyIdToken(base, idToken, nonce) {
  const discovery = await (await fetch(`${base}/.well-known/openid-configuration`)).json();
  const jwks = jose.createRemoteJWKSet(new URL(`${base}/oauth2/jwks`));
  const { payload } = await jose.jwtVerify(idToken, jwks, { issuer: discovery.issuer, audience: clientId });
  expect(payload.nonce === nonce, 'ID token nonce does not match');
  return payload;
}

async function shared() {
  let first;
  await check('code from a login on A is redeemed on B (PKCE), ID token verifies', async () => {
    first = await signIn(A);
    if (sessionFile && first.session) writeFileSync(sessionFile, first.session);
    const res = await exchange(B, first);
    expect(res.status === 200, `exchange on B: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body.refresh_token, 'no refresh token');
    const claims = await verifyIdToken(B, res.body.id_token, first.nonce);
    expect(claims.email || claims.sub, 'ID token without subject');
    first.tokens = res.body;
  });
  await check('the same code replayed on A is refused, and its refresh family revoked on both', async () => {
    const replay = await exchange(A, first);
    expectError(replay, 400, 'invalid_grant', 'replayed code on A');
    expect(/already used/.test(replay.body.error_description || ''), `description: ${replay.body.error_description}`);
    expectError(await refresh(B, first.tokens.refresh_token), 400, 'invalid_grant', 'refresh after code replay (B)');
    expectError(await refresh(A, first.tokens.refresh_token), 400, 'invalid_grant', 'refresh after code replay (A)');
  });
  await check('refresh on B, grace replay on A, rotation on A, reuse on A revokes the family on both', async () => {
    const flow = await signIn(A);
    const start = await exchange(B, flow);
    expect(start.status === 200, `exchange: ${start.status}`);
    const r0 = start.body.refresh_token;
    const onB = await refresh(B, r0);
    expect(onB.status === 200, `refresh on B: ${onB.status} ${JSON.stringify(onB.body)}`);
    const r1 = onB.body.refresh_token;
    expect(r1 && r1 !== r0, 'refresh did not rotate');
    // Within the 30 s grace window the spent token gives the same answer on the other replica.
    const grace = await refresh(A, r0);
    expect(grace.status === 200 && grace.body.refresh_token === r1,
      `grace replay on A: ${grace.status}, same successor: ${grace.body.refresh_token === r1}`);
    const onA = await refresh(A, r1);
    expect(onA.status === 200, `refresh of r1 on A: ${onA.status}`);
    const r2 = onA.body.refresh_token;
    // r0 is now two rotations old: reuse, whatever the window.
    expectError(await refresh(A, r0), 400, 'invalid_grant', 'reuse of r0 on A');
    expectError(await refresh(B, r2), 400, 'invalid_grant', 'live successor on B after reuse');
    expectError(await refresh(A, r2), 400, 'invalid_grant', 'live successor on A after reuse');
  });
  await check('two concurrent redemptions of one code on A and B: exactly one succeeds', async () => {
    const flow = await signIn(B);
    const results = await Promise.all([exchange(A, flow), exchange(B, flow), exchange(A, flow), exchange(B, flow)]);
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant').length;
    expect(ok === 1 && refused === 3, `statuses ${results.map((r) => r.status).join(',')}`);
  });
  await check('five failed logins for bob on A: bob is limited on B too (429, Retry-After)', async () => {
    const form = await loginForm(A);
    for (let i = 0; i < 5; i++) {
      const res = await postLogin(A, form, 'bob', `wrong-${i}`);
      expect(res.status === 401, `failure ${i + 1} on A answered ${res.status}`);
    }
    const formB = await loginForm(B);
    const limited = await postLogin(B, formB, 'bob', bobPassword);
    expect(limited.status === 429, `the right password on B answered ${limited.status}, want 429`);
    expect(Number(limited.headers.get('retry-after')) >= 1, `Retry-After ${limited.headers.get('retry-after')}`);
  });
}

async function separate() {
  await check('without a shared store, B refuses a code A issued (why Redis is needed)', async () => {
    const flow = await signIn(A);
    expectError(await exchange(B, flow), 400, 'invalid_grant', 'code from A on B');
    const onA = await exchange(A, flow);
    expect(onA.status === 200, `the same code on A: ${onA.status}`);
  });
}

async function outage() {
  for (const [name, base] of [['A', A], ['B', B]]) {
    await check(`store down: ${name}'s token endpoint answers 503 temporarily_unavailable`, async () => {
      const res = await tokenRequest(base, {
        grant_type: 'authorization_code', code: b64url(randomBytes(32)), redirect_uri: redirectUri,
        code_verifier: b64url(randomBytes(32)),
      });
      expectError(res, 503, 'temporarily_unavailable', 'code exchange');
      expect(res.retryAfter === '1', `Retry-After ${res.retryAfter}`);
      expectError(await refresh(base, b64url(randomBytes(32))), 503, 'temporarily_unavailable', 'refresh');
    });
  }
  if (sessionFile && existsSync(sessionFile)) {
    await check('store down: authorize with a session on B redirects with error=temporarily_unavailable', async () => {
      const request = { state: b64url(randomBytes(16)), nonce: b64url(randomBytes(16)) };
      const res = await fetch(authorizeUrl(B, request, b64url(randomBytes(32))), {
        redirect: 'manual', headers: { cookie: readFileSync(sessionFile, 'utf8') },
      });
      expect(res.status === 302 || res.status === 303, `authorize answered ${res.status}`);
      const location = new URL(res.headers.get('location'));
      expect(location.searchParams.get('error') === 'temporarily_unavailable',
        `redirect ${location} (RFC 6749 §4.1.2.1)`);
      expect(location.searchParams.get('state') === request.state, 'state not returned');
    });
  }
  await check('store down: a login on A is refused with 503 (attempt limits fail closed)', async () => {
    const form = await loginForm(A);
    const res = await postLogin(A, form, 'alice', alicePassword);
    expect(res.status === 503, `login answered ${res.status}`);
  });
}

async function flow() {
  await check('a sign-in on B is redeemed on A, ID token verifies', async () => {
    const flow = await signIn(B);
    const res = await exchange(A, flow);
    expect(res.status === 200, `exchange on A: ${res.status} ${JSON.stringify(res.body)}`);
    await verifyIdToken(A, res.body.id_token, flow.nonce);
  });
}

// Sequential refreshes (each rotates: one lookup and one rotation in the store, and an RS256
// signature), timed from the client, alternating between A and B request by request.
async function bench() {
  const n = Number(opt('bench', '200'));
  const chains = [];
  for (const base of [A, B]) {
    const signedIn = await signIn(base);
    const start = await exchange(base, signedIn);
    expect(start.status === 200, `exchange on ${base}: ${start.status}`);
    chains.push({ base, token: start.body.refresh_token, times: [] });
  }
  for (let i = 0; i < n; i++) {
    for (const chain of chains) {
      const t0 = performance.now();
      const res = await refresh(chain.base, chain.token);
      chain.times.push(performance.now() - t0);
      expect(res.status === 200, `refresh ${i} on ${chain.base}: ${res.status} ${JSON.stringify(res.body)}`);
      chain.token = res.body.refresh_token;
    }
  }
  const summary = (times) => {
    times.sort((x, y) => x - y);
    const pct = (p) => +times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(3);
    return { n, p50_ms: pct(0.5), p90_ms: pct(0.9), p99_ms: pct(0.99),
             mean_ms: +(times.reduce((s, x) => s + x, 0) / times.length).toFixed(3) };
  };
  console.log(JSON.stringify({ a: summary(chains[0].times), b: summary(chains[1].times) }));
}

const commands = { shared, separate, outage, flow, bench };
if (!commands[command] || !A || !B || !clientId) {
  console.error('usage: replicas-flow.mjs shared|separate|outage|flow|bench --a URL --b URL --client-id ID');
  process.exit(2);
}
try {
  await commands[command]();
} catch (e) {
  failed++;
  console.log(`FAIL  ${label}: ${e.message}`);
}
if (command !== 'bench') console.log(`replicas ${command}: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
