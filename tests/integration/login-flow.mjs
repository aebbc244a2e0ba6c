// The interactive login (issue 3) checked from the outside with parts nobody here wrote:
// npm `openid-client` (v6, a certified OpenID relying party built on oauth4webapi) does
// discovery, builds the authorization URL with PKCE S256, state and nonce, exchanges the
// code (validating iss, state, nonce, the ID token and its signature against the JWKS),
// refreshes and calls userinfo; Debian's headless Chromium, driven by npm `playwright-core`,
// fills in Nauthera's login page; a callback server on http://localhost:8000 receives the
// code as kubelogin's does. Then a negative table, one exact outcome per case.
//
// Run by login_flow_test.sh, which starts the real controller and token server:
//   node login-flow.mjs --issuer URL --client-id ID --other-client-id ID
//        --alice-email E --artifacts DIR [--disabled-user NAME | --skip-disabled REASON]
//        [--callback-port 8000] [--only REGEX]
//   environment: ALICE_PASSWORD, BOB_PASSWORD, OTHER_CLIENT_SECRET
// Prints one PASS/FAIL/SKIP line per case and "login_flow: N passed, N failed, N skipped";
// exits 1 on any FAIL.
import * as client from 'openid-client';
import { chromium } from 'playwright-core';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) { opts[a.slice(2, eq)] = a.slice(eq + 1); continue; }
    opts[a.slice(2)] = argv[++i];
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
for (const k of ['issuer', 'client-id', 'other-client-id', 'alice-email', 'artifacts']) {
  if (!opts[k]) { console.error(`login-flow: --${k} is required`); process.exit(2); }
}
for (const k of ['ALICE_PASSWORD', 'BOB_PASSWORD', 'OTHER_CLIENT_SECRET']) {
  if (!process.env[k]) { console.error(`login-flow: environment ${k} is required`); process.exit(2); }
}
const ISSUER = opts.issuer;
const CLIENT_ID = opts['client-id'];
const OTHER_CLIENT_ID = opts['other-client-id'];
const OTHER_CLIENT_SECRET = process.env.OTHER_CLIENT_SECRET;
const ALICE = { username: 'alice', password: process.env.ALICE_PASSWORD, email: opts['alice-email'] };
const BOB = { username: 'bob', password: process.env.BOB_PASSWORD };
const ARTIFACTS = opts.artifacts;
const CALLBACK_PORT = Number(opts['callback-port'] || 8000);
// The quickstart's kubectl client registers exactly this (kubelogin's default).
const CALLBACK_ORIGIN = `http://localhost:${CALLBACK_PORT}`;
const REDIRECT_URI = CALLBACK_ORIGIN;
const SCOPE = 'openid profile email groups';
const ONLY = opts.only ? new RegExp(opts.only) : null;
const CODE_LIFETIME_S = 60;
const GENERIC_FAILURE = 'Incorrect username or password.';
mkdirSync(ARTIFACTS, { recursive: true });

// ---------------------------------------------------------------------------------------
// Case runner

let passed = 0, failed = 0, skipped = 0;
const failedNames = [];

class Skip extends Error {}
class Blocked extends Error {}   // an earlier case did not produce what this one needs

// The message, then where in this file it was thrown (the whole stack for foreign errors).
function where(e) {
  const lines = String(e.stack || '').split('\n').filter((l) => l.includes('login-flow.mjs'));
  return lines.length ? lines[0].trim() : '';
}

function describeError(e) {
  if (!e) return String(e);
  if (e instanceof Blocked) return e.message;
  const ours = e.message?.startsWith('assertion failed') || e.message?.startsWith('want HTTP');
  const parts = [ours ? `${e.message}\n${where(e)}`
                      : `${e.name || 'Error'}: ${e.message ?? String(e)}\n${where(e) || e.stack || ''}`];
  // openid-client / oauth4webapi errors carry the server's answer.
  if (e.status !== undefined) parts.push(`HTTP status ${e.status}`);
  if (e.error !== undefined) parts.push(`error=${e.error} error_description=${e.error_description ?? ''}`);
  if (e.code) parts.push(`code=${e.code}`);
  if (e.cause && typeof e.cause === 'object') {
    try { parts.push(`cause: ${JSON.stringify(e.cause instanceof URLSearchParams ? Object.fromEntries(e.cause) : e.cause)}`); } catch { /* ignore */ }
  }
  return parts.join('\n');
}

async function runCase(name, fn) {
  if (ONLY && !ONLY.test(name)) return;
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`PASS  ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    if (e instanceof Skip) {
      skipped++;
      console.log(`SKIP  ${name}: ${e.message}`);
      return;
    }
    failed++;
    failedNames.push(name);
    console.log(`FAIL  ${name} (${Date.now() - t0} ms)`);
    if (e instanceof client.ResponseBodyError && !String(e.message).includes('--- request:')) rpFailure(e);
    console.error(describeError(e).split('\n').map((l) => `    ${l}`).join('\n'));
  }
}

function assert(cond, msg) { if (!cond) throw new Error(`assertion failed: ${msg}`); }
function assertEq(got, want, what) {
  if (got !== want) throw new Error(`assertion failed: ${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
function need(value, what) {
  if (value === undefined || value === null) throw new Blocked(`blocked: needs ${what}, which an earlier case did not produce`);
  return value;
}
const note = (msg) => console.error(`    ${msg}`);

// ---------------------------------------------------------------------------------------
// Raw HTTP, for the cases where the exact exchange is the assertion

// An HTML page as the text a person reads (styles and tags dropped).
function pageText(html) {
  return String(html).replace(/<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

function formatExchange(x) {
  const reqHeaders = Object.entries(x.request.headers).map(([k, v]) => `\n      ${k}: ${v}`).join('');
  const reqBody = x.request.body ? `\n      ${x.request.body}` : '';
  const headers = Object.entries(x.response.headers).map(([k, v]) => `      ${k}: ${v}`).join('\n');
  const html = (x.response.headers['content-type'] || '').startsWith('text/html');
  const body = html ? `[page text] ${pageText(x.response.text)}` : String(x.response.text);
  return `--- request: ${x.request.method} ${x.request.url}${reqHeaders}${reqBody}\n` +
    `--- response: HTTP ${x.response.status}\n${headers}\n      ${body.slice(0, 800)}`;
}

async function httpRequest(method, url, { form, headers = {} } = {}) {
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const h = { ...headers };
  if (form) h['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  const rh = {};
  res.headers.forEach((v, k) => { rh[k] = v; });
  return { request: { method, url: String(url), body, headers: h },
           response: { status: res.status, headers: rh, text, json,
                       setCookies: res.headers.getSetCookie() } };
}

// expectOAuthError: RFC 6749 §5.2 JSON error with the exact status and code, no-store.
function expectOAuthError(x, status, error) {
  const r = x.response;
  const ok = r.status === status && r.json?.error === error;
  if (!ok) throw new Error(`want HTTP ${status} error=${error}, got HTTP ${r.status} error=${r.json?.error}\n${formatExchange(x)}`);
  assert((r.headers['content-type'] || '').startsWith('application/json'), `Content-Type ${r.headers['content-type']}\n${formatExchange(x)}`);
  assert((r.headers['cache-control'] || '').includes('no-store'), `Cache-Control ${r.headers['cache-control']}\n${formatExchange(x)}`);
  note(`${status} ${error}: ${r.json.error_description ?? ''}`);
}

// tokenPost FORM: POST to the token endpoint as a public client (client_id in the form) or,
// with the other client's secret in the form, as a client_secret_post client.
const tokenPost = (form) => httpRequest('POST', `${ISSUER}/oauth2/token`, { form });

// ---------------------------------------------------------------------------------------
// The callback server on localhost:8000, as kubelogin's: it records every request and
// answers a plain page. Listens on 127.0.0.1 and, when the machine has it, on ::1.

const callbacks = [];     // {path, params, at}
const waiters = new Map(); // state -> resolve
const attackPages = new Map(); // path -> html, served for the cross-site CSRF case

function onCallback(req, res) {
  const url = new URL(req.url, CALLBACK_ORIGIN);
  if (url.pathname === '/favicon.ico') { res.writeHead(404); res.end(); return; }
  if (attackPages.has(url.pathname)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackPages.get(url.pathname));
    return;
  }
  const hit = { path: url.pathname, url: new URL(req.url, CALLBACK_ORIGIN), params: Object.fromEntries(url.searchParams), at: Date.now() };
  callbacks.push(hit);
  const w = waiters.get(hit.params.state);
  if (w) { waiters.delete(hit.params.state); w(hit); }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>Signed in</title><h1>You can close this window.</h1>');
}

async function listen(host) {
  const server = http.createServer(onCallback);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(CALLBACK_PORT, host, resolve);
  });
  return server;
}

const servers = [await listen('127.0.0.1')];
try { servers.push(await listen('::1')); } catch (e) {
  if (e.code !== 'EADDRNOTAVAIL' && e.code !== 'EAFNOSUPPORT') throw e;
}

function waitCallback(state, timeoutMs = 10000) {
  const seen = callbacks.find((c) => c.params.state === state);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(state);
      reject(new Error(`no request reached the callback server ${CALLBACK_ORIGIN} with state ${state} within ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.set(state, (hit) => { clearTimeout(timer); resolve(hit); });
  });
}

// ---------------------------------------------------------------------------------------
// Browser

const profile = mkdtempSync(path.join(ARTIFACTS, 'chromium-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 900, height: 760 },
});
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(15000);

async function shot(name) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function sessionCookie() {
  return (await context.cookies(ISSUER)).find((c) => c.name === 'nauthera-session' && c.value !== '');
}

// The issuer's response in the redirect chain that ended at `response` (or the response
// itself): the 30x that sent the browser to the callback.
function issuerHop(response) {
  const chain = [];
  for (let r = response.request(); r; r = r.redirectedFrom()) chain.unshift(r);
  return chain;
}

// ---------------------------------------------------------------------------------------
// The relying party

let config;
const flows = {};   // named results shared by later cases

// openid-client's own HTTP requests, recorded (not changed) so that a failure can show the
// exact exchange it had with the server.
const rpExchanges = [];
async function recordingFetch(url, options) {
  const res = await fetch(url, options);
  const text = await res.clone().text();
  const rh = {};
  res.headers.forEach((v, k) => { rh[k] = v; });
  const h = {};
  new Headers(options?.headers).forEach((v, k) => { h[k] = v; });
  rpExchanges.push({ request: { method: options?.method ?? 'GET', url: String(url), headers: h,
                                body: options?.body === undefined ? undefined : String(options.body) },
                     response: { status: res.status, headers: rh, text } });
  if (rpExchanges.length > 20) rpExchanges.shift();
  return res;
}

// rpFailure: wraps an openid-client error with the last exchange it had with the server.
function rpFailure(e) {
  const last = rpExchanges[rpExchanges.length - 1];
  if (last && (e instanceof client.ResponseBodyError || e?.code?.startsWith?.('OAUTH_'))) {
    e.message = `${e.message}\n${formatExchange(last)}`;
  }
  return e;
}

// newAuthRequest: PKCE verifier/challenge, state, nonce, and the URL openid-client builds,
// with the parameters kubelogin sends (access_type=offline is unknown to the server).
async function newAuthRequest({ clientConfig, extra = {}, omit = [] } = {}) {
  const cfg = clientConfig ?? config;
  const verifier = client.randomPKCECodeVerifier();
  const params = {
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: client.randomState(),
    nonce: client.randomNonce(),
    access_type: 'offline',
    ...extra,
  };
  for (const k of omit) delete params[k];
  return { cfg, verifier, state: params.state, nonce: params.nonce, url: client.buildAuthorizationUrl(cfg, params) };
}

// openAuthorize: Chromium opens the URL; returns the final response.
async function openAuthorize(req) {
  return page.goto(req.url.href, { waitUntil: 'load' });
}

async function expectLoginPage(resp, status = 200) {
  assertEq(resp.status(), status, `status of ${resp.url()}`);
  assert(resp.url().startsWith(`${ISSUER}/`), `the login page is served by the issuer, not ${resp.url()}`);
  await page.locator('#username').waitFor({ state: 'visible' });
  await page.locator('#password').waitFor({ state: 'visible' });
}

// submitLogin: fills the form and submits; returns the POST /oauth2/login response.
async function submitLogin(username, password) {
  await page.fill('#username', username);
  await page.fill('#password', password);
  const posted = page.waitForResponse((r) => r.url() === `${ISSUER}/oauth2/login` && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const resp = await posted;
  await page.waitForLoadState('load');
  return resp;
}

// codeViaSession: with alice's session, the authorize request answers at once with a code.
async function codeViaSession(req) {
  const resp = await openAuthorize(req);
  assert(resp.url().startsWith(CALLBACK_ORIGIN), `expected a redirect to the callback (session), landed on ${resp.url()} with HTTP ${resp.status()}`);
  const hit = await waitCallback(req.state);
  assert(hit.params.code, `no code in the callback: ${hit.url}`);
  return hit;
}

function sha256Half(value) {
  const d = createHash('sha256').update(value, 'ascii').digest();
  return d.subarray(0, d.length / 2).toString('base64url');
}

function decodeJwt(jwt) {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
}

// exchange: openid-client's code exchange for a callback hit (validates iss, state, nonce,
// the ID token, and — enableNonRepudiationChecks — its signature against the JWKS).
async function exchange(req, hit) {
  try {
    return await client.authorizationCodeGrant(req.cfg, hit.url, {
      pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce, idTokenExpected: true,
    });
  } catch (e) {
    throw rpFailure(e);
  }
}

// ---------------------------------------------------------------------------------------
// Cases: the happy path

await runCase('discovery: openid-client discovers the issuer; endpoints, S256 only, RFC 9207 iss', async () => {
  config = await client.discovery(new URL(ISSUER), CLIENT_ID, undefined, client.None(),
    { execute: [client.allowInsecureRequests], [client.customFetch]: recordingFetch });
  config[client.customFetch] = recordingFetch;
  client.enableNonRepudiationChecks(config);
  const m = config.serverMetadata();
  assertEq(m.issuer, ISSUER, 'issuer');
  assertEq(m.authorization_endpoint, `${ISSUER}/oauth2/authorize`, 'authorization_endpoint');
  assertEq(m.token_endpoint, `${ISSUER}/oauth2/token`, 'token_endpoint');
  assertEq(m.jwks_uri, `${ISSUER}/oauth2/jwks`, 'jwks_uri');
  assertEq(m.userinfo_endpoint, `${ISSUER}/oauth2/userinfo`, 'userinfo_endpoint');
  assertEq(m.end_session_endpoint, `${ISSUER}/oauth2/logout`, 'end_session_endpoint');
  assertEq(JSON.stringify(m.code_challenge_methods_supported), '["S256"]', 'code_challenge_methods_supported');
  assertEq(m.authorization_response_iss_parameter_supported, true, 'authorization_response_iss_parameter_supported');
  assert((m.response_types_supported || []).includes('code'), 'response_types_supported has code');
  assert((m.grant_types_supported || []).includes('authorization_code') && m.grant_types_supported.includes('refresh_token'),
    `grant_types_supported: ${JSON.stringify(m.grant_types_supported)}`);
  assert((m.token_endpoint_auth_methods_supported || []).includes('none'), 'token_endpoint_auth_methods_supported has none');
});

await runCase('login page: Chromium shows the form (labels, CSRF, client name, security headers); screenshot kept', async () => {
  need(config, 'discovery');
  const req = await newAuthRequest();
  flows.main = req;
  const resp = await openAuthorize(req);
  await expectLoginPage(resp);
  const form = page.locator('form');
  assertEq(await form.getAttribute('method'), 'post', 'form method');
  assertEq(await form.getAttribute('action'), '/oauth2/login', 'form action');
  assertEq(await page.locator('#username').getAttribute('name'), 'username', '#username name');
  assertEq(await page.locator('#password').getAttribute('name'), 'password', '#password name');
  assertEq(await page.locator('#password').getAttribute('type'), 'password', '#password type');
  // Accessible labels: the fields are reachable by their label text.
  await page.getByLabel('Username').waitFor();
  await page.getByLabel('Password').waitFor();
  assert((await page.locator('input[type=hidden][name=csrf_token]').getAttribute('value'))?.length > 0, 'hidden csrf_token');
  assert((await page.locator('input[type=hidden][name=request]').getAttribute('value'))?.length > 0, 'hidden request');
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert((await page.textContent('body')).includes('kubectl'), 'the page names the client (displayName kubectl)');
  const h = await resp.allHeaders();
  assert(/frame-ancestors 'none'/.test(h['content-security-policy'] || ''), `Content-Security-Policy: ${h['content-security-policy']}`);
  assertEq(h['x-frame-options'], 'DENY', 'X-Frame-Options');
  assertEq(h['referrer-policy'], 'no-referrer', 'Referrer-Policy');
  assert((h['cache-control'] || '').includes('no-store'), `Cache-Control: ${h['cache-control']}`);
  note(`screenshot: ${await shot('login-page.png')}`);
});

await runCase('sign in as alice -> 303 to http://localhost:8000 with code, state, iss; session cookie HttpOnly, SameSite=Lax', async () => {
  const req = need(flows.main, 'the login page');
  const resp = await submitLogin(ALICE.username, ALICE.password);
  assertEq(resp.status(), 303, 'POST /oauth2/login status');
  const location = (await resp.allHeaders()).location || '';
  assert(location.startsWith(`${REDIRECT_URI}?`), `Location: ${location}`);
  const hit = await waitCallback(req.state);
  assert(/^[A-Za-z0-9_-]{20,}$/.test(hit.params.code || ''), `code: ${hit.params.code}`);
  assertEq(hit.params.state, req.state, 'state');
  assertEq(hit.params.iss, ISSUER, 'iss (RFC 9207)');
  flows.mainHit = hit;
  const c = await sessionCookie();
  assert(c, `no nauthera-session cookie; cookies: ${JSON.stringify(await context.cookies())}`);
  assertEq(c.httpOnly, true, 'session cookie HttpOnly');
  assertEq(c.sameSite, 'Lax', 'session cookie SameSite');
  assertEq(c.secure, false, 'session cookie Secure on an http issuer');
});

await runCase('code exchange with openid-client (PKCE, state, iss, nonce, signature); ID token claims', async () => {
  const req = need(flows.main, 'the login'), hit = need(flows.mainHit, 'the callback');
  const tokens = await exchange(req, hit);
  flows.mainTokens = tokens;
  assertEq(String(tokens.token_type).toLowerCase(), 'bearer', 'token_type');
  assert(typeof tokens.expires_in === 'number' && tokens.expires_in > 0, `expires_in ${tokens.expires_in}`);
  assert(typeof tokens.refresh_token === 'string' && tokens.refresh_token.length > 20, 'refresh_token');
  assert(typeof tokens.id_token === 'string', 'id_token');
  const claims = tokens.claims();
  const { header } = decodeJwt(tokens.id_token);
  assertEq(header.alg, 'RS256', 'ID token alg');
  assert(typeof header.kid === 'string' && header.kid.length > 0, 'ID token kid');
  assertEq(claims.iss, ISSUER, 'iss');
  assert(typeof claims.sub === 'string' && claims.sub.length > 0, 'sub');
  assert(claims.sub !== 'alice' && claims.sub !== ALICE.email, `sub should be opaque, is ${claims.sub}`);
  assert(claims.aud === CLIENT_ID || (Array.isArray(claims.aud) && claims.aud.length === 1 && claims.aud[0] === CLIENT_ID), `aud ${JSON.stringify(claims.aud)}`);
  assertEq(claims.azp, CLIENT_ID, 'azp');
  assertEq(claims.nonce, req.nonce, 'nonce');
  const now = Math.floor(Date.now() / 1000);
  assert(Number.isInteger(claims.iat) && Math.abs(claims.iat - now) < 60, `iat ${claims.iat}`);
  assert(Number.isInteger(claims.exp) && claims.exp > now, `exp ${claims.exp}`);
  assertEq(claims.exp - claims.iat, 900, 'ID token lifetime (ClusterAuthPolicy default idTokenTTL 15m)');
  assert(Number.isInteger(claims.auth_time) && claims.auth_time <= claims.iat && now - claims.auth_time < 120, `auth_time ${claims.auth_time}`);
  assertEq(claims.at_hash, sha256Half(tokens.access_token), 'at_hash = left half of SHA-256(access_token)');
  assertEq(claims.email, ALICE.email, 'email');
  assertEq(claims.email_verified, true, 'email_verified (the JSON boolean true)');
  assert(Array.isArray(claims.groups) && claims.groups.includes('developers'), `groups ${JSON.stringify(claims.groups)}`);
  assertEq(claims.preferred_username, 'alice', 'preferred_username');
  assert(typeof claims.name === 'string' && claims.name.length > 0, `name ${claims.name}`);
  const scope = String(tokens.scope || '').split(' ');
  for (const s of ['openid', 'profile', 'email', 'groups']) assert(scope.includes(s), `scope ${tokens.scope} lacks ${s}`);
  note(JSON.stringify(claims));
});

await runCase('userinfo via openid-client: sub, email, email_verified, name, preferred_username, groups; RFC 6750 errors', async () => {
  const tokens = need(flows.mainTokens, 'tokens');
  const sub = tokens.claims().sub;
  const info = await client.fetchUserInfo(config, tokens.access_token, sub);
  assertEq(info.sub, sub, 'sub');
  assertEq(info.email, ALICE.email, 'email');
  assertEq(info.email_verified, true, 'email_verified');
  assertEq(info.preferred_username, 'alice', 'preferred_username');
  assertEq(info.name, tokens.claims().name, 'name');
  assert(Array.isArray(info.groups) && info.groups.includes('developers'), `groups ${JSON.stringify(info.groups)}`);
  // RFC 6750 §3: no token -> 401 with a bare Bearer challenge; a bad one -> invalid_token.
  const none = await httpRequest('GET', `${ISSUER}/oauth2/userinfo`);
  assertEq(none.response.status, 401, `no token status\n${formatExchange(none)}`);
  assert(/^Bearer/.test(none.response.headers['www-authenticate'] || ''), `WWW-Authenticate\n${formatExchange(none)}`);
  const bad = await httpRequest('GET', `${ISSUER}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token.slice(0, -4)}AAAA` } });
  assertEq(bad.response.status, 401, `bad token status\n${formatExchange(bad)}`);
  assert(/error="invalid_token"/.test(bad.response.headers['www-authenticate'] || ''), `WWW-Authenticate\n${formatExchange(bad)}`);
  // The ID token is not an access token.
  const idt = await httpRequest('GET', `${ISSUER}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.id_token}` } });
  assertEq(idt.response.status, 401, `ID token as bearer\n${formatExchange(idt)}`);
});

await runCase('refresh with openid-client -> rotated refresh token and a new, valid id_token', async () => {
  const first = need(flows.mainTokens, 'tokens');
  const t = await client.refreshTokenGrant(config, first.refresh_token);
  flows.refreshA = first.refresh_token;
  flows.refreshB = t.refresh_token;
  assert(typeof t.id_token === 'string' && t.id_token !== first.id_token, 'a new id_token in the refresh response');
  assert(typeof t.refresh_token === 'string' && t.refresh_token !== first.refresh_token, 'the refresh token rotated');
  assert(t.access_token !== first.access_token, 'a new access token');
  const a = first.claims(), b = t.claims();
  for (const k of ['iss', 'sub', 'azp', 'email', 'preferred_username']) assertEq(b[k], a[k], `refreshed ID token ${k}`);
  assertEq(JSON.stringify(b.aud), JSON.stringify(a.aud), 'refreshed ID token aud');
  assertEq(b.auth_time, a.auth_time, 'auth_time stays the time of the original sign-in');
  assertEq(b.email_verified, true, 'email_verified');
  assert(Array.isArray(b.groups) && b.groups.includes('developers'), `groups ${JSON.stringify(b.groups)}`);
  assert(b.iat >= a.iat, 'iat of the new ID token');
  assertEq(b.at_hash, sha256Half(t.access_token), 'at_hash of the refreshed ID token');
});

await runCase('parallel refreshes inside the grace window -> both succeed with the same successor', async () => {
  const B = need(flows.refreshB, 'the first refresh');
  const [x, y] = await Promise.all([client.refreshTokenGrant(config, B), client.refreshTokenGrant(config, B)]);
  assertEq(x.refresh_token, y.refresh_token, 'both answers carry the same successor refresh token');
  assert(x.refresh_token !== B, 'the successor differs from the spent token');
  assert(typeof x.id_token === 'string' && typeof y.id_token === 'string', 'both carry an id_token');
  flows.refreshC = x.refresh_token;
  // A third use of B, still inside the window, gets the same answer again.
  const z = await client.refreshTokenGrant(config, B);
  assertEq(z.refresh_token, x.refresh_token, 'a later replay of B inside the window: same successor');
});

await runCase('reuse of a token spent before the just-spent one -> invalid_grant, and the family is revoked', async () => {
  const A = need(flows.refreshA, 'A'), C = need(flows.refreshC, 'C');
  // A was spent (A -> B), then B (B -> C): A is no longer the just-spent token, so this is reuse.
  const reuse = await tokenPost({ grant_type: 'refresh_token', refresh_token: A, client_id: CLIENT_ID });
  expectOAuthError(reuse, 400, 'invalid_grant');
  const afterC = await tokenPost({ grant_type: 'refresh_token', refresh_token: C, client_id: CLIENT_ID });
  expectOAuthError(afterC, 400, 'invalid_grant');
  // openid-client sees the same.
  try {
    await client.refreshTokenGrant(config, C);
    throw new Error('openid-client refreshed with C after the family was revoked');
  } catch (e) {
    if (!(e instanceof client.ResponseBodyError)) throw e;
    assertEq(e.error, 'invalid_grant', 'openid-client ResponseBodyError.error');
  }
});

// ---------------------------------------------------------------------------------------
// Cases with alice's session: codes without the password

await runCase('second authorize in the same browser session skips the password (auth_time kept)', async () => {
  need(flows.mainTokens, 'the first sign-in');
  const req = await newAuthRequest();
  const resp = await openAuthorize(req);
  assert(resp.url().startsWith(CALLBACK_ORIGIN), `landed on ${resp.url()} (HTTP ${resp.status()}) instead of the callback`);
  const hops = issuerHop(resp);
  assert(hops.length === 2 && hops[0].url().startsWith(`${ISSUER}/oauth2/authorize`), `one redirect from /oauth2/authorize: ${hops.map((r) => r.url()).join(' -> ')}`);
  const hit = await waitCallback(req.state);
  assertEq(hit.params.iss, ISSUER, 'iss');
  const tokens = await exchange(req, hit);
  assertEq(tokens.claims().auth_time, flows.mainTokens.claims().auth_time, 'auth_time is the first sign-in');
  assertEq(tokens.claims().sub, flows.mainTokens.claims().sub, 'sub');
  flows.ssoTokens = tokens;
});

// The expired-code case needs a code issued early; it is exchanged at the very end.
await runCase('expired code, part 1: a code is issued now and left unused', async () => {
  const req = await newAuthRequest();
  const hit = await codeViaSession(req);
  flows.expiring = { req, hit, issuedBy: hit.at };
});

async function expectRedirectError(req, error) {
  const resp = await openAuthorize(req);
  assert(resp.url().startsWith(CALLBACK_ORIGIN), `landed on ${resp.url()} (HTTP ${resp.status()}), not redirected to the callback`);
  const hops = issuerHop(resp);
  const first = await hops[0].response();
  assertEq(first.status(), 302, `status of ${hops[0].url()}`);
  const hit = await waitCallback(req.state);
  assertEq(hit.params.error, error, `error in ${hit.url}`);
  assertEq(hit.params.state, req.state, 'state echoed');
  assertEq(hit.params.iss, ISSUER, 'iss (RFC 9207)');
  assert(!('code' in hit.params), 'no code');
  // openid-client agrees: it validates iss and state, then reports the error.
  try {
    await client.authorizationCodeGrant(config, hit.url, { pkceCodeVerifier: req.verifier, expectedState: req.state });
    throw new Error('openid-client accepted an error response');
  } catch (e) {
    if (!(e instanceof client.AuthorizationResponseError)) throw e;
    assertEq(e.error, error, 'openid-client AuthorizationResponseError.error');
  }
  note(`${error}: ${hit.params.error_description ?? ''}`);
}

await runCase('code_challenge_method=plain at authorize -> 302 to the client with error=invalid_request, state, iss', async () => {
  const verifier = client.randomPKCECodeVerifier();
  await expectRedirectError(await newAuthRequest({ extra: { code_challenge: verifier, code_challenge_method: 'plain' } }), 'invalid_request');
});

await runCase('no code_challenge at authorize (PKCE required) -> 302 with error=invalid_request', async () => {
  await expectRedirectError(await newAuthRequest({ omit: ['code_challenge', 'code_challenge_method'] }), 'invalid_request');
});

await runCase('scope not allowed for the client (offline_access) -> 302 with error=invalid_scope', async () => {
  await expectRedirectError(await newAuthRequest({ extra: { scope: 'openid offline_access' } }), 'invalid_scope');
});

function codeForm(req, hit, overrides = {}) {
  const f = { grant_type: 'authorization_code', code: hit.params.code, redirect_uri: REDIRECT_URI,
              client_id: CLIENT_ID, code_verifier: req.verifier, ...overrides };
  for (const [k, v] of Object.entries(f)) if (v === undefined) delete f[k];
  return f;
}

await runCase('missing code_verifier at the token endpoint -> 400 invalid_grant', async () => {
  const req = await newAuthRequest();
  const hit = await codeViaSession(req);
  expectOAuthError(await tokenPost(codeForm(req, hit, { code_verifier: undefined })), 400, 'invalid_grant');
});

await runCase('wrong code_verifier -> 400 invalid_grant; the code is burnt (the right verifier then fails too)', async () => {
  const req = await newAuthRequest();
  const hit = await codeViaSession(req);
  expectOAuthError(await tokenPost(codeForm(req, hit, { code_verifier: client.randomPKCECodeVerifier() })), 400, 'invalid_grant');
  expectOAuthError(await tokenPost(codeForm(req, hit)), 400, 'invalid_grant');
});

await runCase('replayed code -> invalid_grant, and the refresh token from the first exchange is revoked', async () => {
  const req = await newAuthRequest();
  const hit = await codeViaSession(req);
  const tokens = await exchange(req, hit);
  assert(tokens.refresh_token, 'first exchange gave a refresh token');
  expectOAuthError(await tokenPost(codeForm(req, hit)), 400, 'invalid_grant');
  expectOAuthError(await tokenPost({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: CLIENT_ID }),
    400, 'invalid_grant');
});

let otherConfig;
// consentPage: the page other-app's authorization shows in alice's session (it has the
// default spec.consent, required; the quickstart's kubectl is first-party, consent: skip).
async function consentPage(req) {
  const resp = await openAuthorize(req);
  assertEq(resp.status(), 200, `status of ${resp.url()}`);
  assert(resp.url().startsWith(`${ISSUER}/oauth2/authorize`), `the consent page is served by the issuer, not ${resp.url()}`);
  await page.getByRole('button', { name: 'Allow' }).waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Deny' }).waitFor({ state: 'visible' });
  return resp;
}

await runCase('consent page for other-app (consent required): client, scopes in plain words, Allow/Deny; Deny -> access_denied', async () => {
  need(flows.mainTokens, 'the first sign-in');
  otherConfig = await client.discovery(new URL(ISSUER), OTHER_CLIENT_ID, undefined,
    client.ClientSecretPost(OTHER_CLIENT_SECRET), { execute: [client.allowInsecureRequests] });
  otherConfig[client.customFetch] = recordingFetch;
  client.enableNonRepudiationChecks(otherConfig);
  const req = await newAuthRequest({ clientConfig: otherConfig });
  const before = callbacks.length;
  const resp = await consentPage(req);
  const text = pageText(await page.content());
  for (const want of ['Allow access?', 'Other app', 'See your email address', 'See the groups you belong to', 'Signed in as alice']) {
    assert(text.includes(want), `the consent page says "${want}": ${text.slice(0, 400)}`);
  }
  assertEq(await page.locator('form').getAttribute('action'), '/oauth2/consent', 'form action');
  assert((await page.locator('input[type=hidden][name=csrf_token]').getAttribute('value'))?.length > 0, 'hidden csrf_token');
  assertEq(await page.locator('script').count(), 0, 'no script on the page');
  assert(/frame-ancestors 'none'/.test((await resp.allHeaders())['content-security-policy'] || ''), 'CSP');
  assertEq(callbacks.length, before, 'no code before the answer');
  note(`screenshot: ${await shot('consent-page.png')}`);
  await page.getByRole('button', { name: 'Deny' }).click();
  const hit = await waitCallback(req.state);
  assertEq(hit.params.error, 'access_denied', `error in ${hit.url}`);
  assertEq(hit.params.iss, ISSUER, 'iss (RFC 9207)');
  assert(!('code' in hit.params), 'no code');
});

await runCase('confidential client other-app (client_secret_post): Allow -> its own code works; remembered (control for the next case)', async () => {
  need(otherConfig, 'other-app discovery');
  const req = await newAuthRequest({ clientConfig: otherConfig });
  await consentPage(req);  // Deny was not remembered: asked again
  await page.getByRole('button', { name: 'Allow' }).click();
  const hit = await waitCallback(req.state);
  assert(hit.params.code, `no code in the callback: ${hit.url}`);
  const tokens = await exchange(req, hit);
  const claims = tokens.claims();
  assertEq(claims.azp, OTHER_CLIENT_ID, 'azp');
  assertEq(claims.email, ALICE.email, 'email');
  // Without its secret, other-app's code is refused.
  const req2 = await newAuthRequest({ clientConfig: otherConfig });
  const hit2 = await codeViaSession(req2);
  expectOAuthError(await tokenPost(codeForm(req2, hit2, { client_id: OTHER_CLIENT_ID })), 401, 'invalid_client');
});

await runCase('code of another client -> invalid_grant (kubectl\'s code at other-app, other-app\'s code at kubectl)', async () => {
  need(otherConfig, 'other-app discovery');
  const req = await newAuthRequest();
  const hit = await codeViaSession(req);
  expectOAuthError(await tokenPost(codeForm(req, hit, { client_id: OTHER_CLIENT_ID, client_secret: OTHER_CLIENT_SECRET })),
    400, 'invalid_grant');
  const req2 = await newAuthRequest({ clientConfig: otherConfig });
  const hit2 = await codeViaSession(req2);
  expectOAuthError(await tokenPost(codeForm(req2, hit2, { client_id: CLIENT_ID })), 400, 'invalid_grant');
});

await runCase('redirect_uri differing from the authorization request at the token endpoint -> invalid_grant', async () => {
  const req = await newAuthRequest();
  const hit = await codeViaSession(req);
  expectOAuthError(await tokenPost(codeForm(req, hit, { redirect_uri: `http://localhost:${CALLBACK_PORT === 8000 ? 18000 : 8000}` })),
    400, 'invalid_grant');
});

async function expectErrorPageNoRedirect(url, what) {
  const before = callbacks.length;
  const resp = await page.goto(url.href, { waitUntil: 'load' });
  assertEq(resp.status(), 400, `${what}: status`);
  assert(resp.request().redirectedFrom() === null, `${what}: the browser was redirected`);
  assert(page.url().startsWith(`${ISSUER}/oauth2/authorize`), `${what}: the browser left the issuer: ${page.url()}`);
  assertEq(callbacks.length, before, `${what}: requests that reached the callback server`);
  assertEq(await page.locator('#username').count(), 0, `${what}: no login form on the error page`);
  const text = await page.innerText('body');
  note(`${what}: HTTP 400 page: ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}`);
  return text;
}

await runCase('unregistered redirect URI -> 400 page, no redirect (also: unknown client)', async () => {
  for (const uri of [`${CALLBACK_ORIGIN}/elsewhere`, `http://localhost:${CALLBACK_PORT + 1}`, 'https://attacker.example/cb']) {
    const req = await newAuthRequest({ extra: { redirect_uri: uri } });
    const text = await expectErrorPageNoRedirect(req.url, `redirect_uri=${uri}`);
    assert(text.includes('not registered'), `redirect_uri=${uri}: the page says the redirect URI is not registered`);
  }
  const u = new URL((await newAuthRequest()).url);
  u.searchParams.set('client_id', 'no-such-client');
  await expectErrorPageNoRedirect(u, 'client_id=no-such-client');
  await shot('error-unregistered-redirect.png');
});

await runCase('prompt=login forces the password despite the session', async () => {
  need(flows.mainTokens, 'the first sign-in');
  const req = await newAuthRequest({ extra: { prompt: 'login' } });
  await expectLoginPage(await openAuthorize(req));
  const resp = await submitLogin(ALICE.username, ALICE.password);
  assertEq(resp.status(), 303, 'POST /oauth2/login status');
  const hit = await waitCallback(req.state);
  const tokens = await exchange(req, hit);
  assert(tokens.claims().auth_time >= flows.mainTokens.claims().auth_time, 'auth_time is the new sign-in');
  flows.latestTokens = tokens;
});

// ---------------------------------------------------------------------------------------
// Cases without a session: the login form's defences

const savedCookies = await context.cookies();
await context.clearCookies();

// loginPageFields: shows the login page for a fresh request; returns its hidden fields.
async function loginPageFields() {
  const req = await newAuthRequest();
  await expectLoginPage(await openAuthorize(req));
  return {
    req,
    csrf_token: await page.locator('input[name=csrf_token]').getAttribute('value'),
    request: await page.locator('input[name=request]').getAttribute('value'),
  };
}

function expectNoSignIn(x, what) {
  assertEq(x.response.status, 400, `${what}: status\n${formatExchange(x)}`);
  assert(!x.response.headers.location, `${what}: no redirect\n${formatExchange(x)}`);
  assert(!x.response.setCookies.some((c) => c.startsWith('nauthera-session=') && !c.startsWith('nauthera-session=;')),
    `${what}: no session cookie\n${formatExchange(x)}`);
}

await runCase('CSRF: login POST without the CSRF cookie, or without csrf_token -> 400, no redirect, no session', async () => {
  const f = await loginPageFields();
  const csrfCookie = (await context.cookies(ISSUER)).find((c) => c.name === 'nauthera-csrf');
  assert(csrfCookie, 'the login page set a nauthera-csrf cookie');
  const form = { csrf_token: f.csrf_token, request: f.request, username: ALICE.username, password: ALICE.password };
  // The right password each time: only the CSRF defence can refuse these.
  expectNoSignIn(await httpRequest('POST', `${ISSUER}/oauth2/login`, { form }), 'no CSRF cookie');
  const { csrf_token, ...noField } = form;
  expectNoSignIn(await httpRequest('POST', `${ISSUER}/oauth2/login`, { form: noField, headers: { cookie: `nauthera-csrf=${csrfCookie.value}` } }),
    'cookie but no csrf_token field');
  expectNoSignIn(await httpRequest('POST', `${ISSUER}/oauth2/login`, { form: { ...form, csrf_token: 'A'.repeat(43) }, headers: { cookie: `nauthera-csrf=${csrfCookie.value}` } }),
    'cookie with a forged csrf_token');
  // Control: cookie and token together do sign in (so the refusals above were CSRF's).
  const ok = await httpRequest('POST', `${ISSUER}/oauth2/login`, { form, headers: { cookie: `nauthera-csrf=${csrfCookie.value}` } });
  assertEq(ok.response.status, 303, `control with cookie and token\n${formatExchange(ok)}`);
});

await runCase('CSRF: a cross-site page auto-posting the login form in Chromium -> 400, no redirect, no session', async () => {
  await context.clearCookies();
  const f = await loginPageFields();
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const fields = { csrf_token: f.csrf_token, request: f.request, username: ALICE.username, password: ALICE.password };
  attackPages.set('/csrf-attack', `<!doctype html><form id=f method=post action="${ISSUER}/oauth2/login">` +
    Object.entries(fields).map(([k, v]) => `<input type=hidden name="${k}" value="${esc(v)}">`).join('') +
    '</form><script>document.getElementById("f").submit()</script>');
  const before = callbacks.length;
  const posted = page.waitForResponse((r) => r.url() === `${ISSUER}/oauth2/login` && r.request().method() === 'POST');
  // The page submits itself while loading, so its own navigation may be cut short.
  await page.goto(`${CALLBACK_ORIGIN}/csrf-attack`, { waitUntil: 'commit' }).catch(() => {});
  const resp = await posted;
  await page.waitForLoadState('load');
  assertEq(resp.status(), 400, 'status of the cross-site POST');
  assert(!(await resp.allHeaders()).location, 'no redirect');
  assertEq(callbacks.length, before, 'requests that reached the callback server');
  assert(!(await sessionCookie()), 'no session cookie');
});

await runCase('wrong password -> 401, same page, generic message (role=alert); unknown user -> the same', async () => {
  await context.clearCookies();
  await loginPageFields();
  const before = callbacks.length;
  let resp = await submitLogin(ALICE.username, `${ALICE.password}-wrong`);
  assertEq(resp.status(), 401, 'status');
  assertEq((await page.getByRole('alert').textContent()).trim(), GENERIC_FAILURE, 'alert text');
  await page.locator('#password').waitFor({ state: 'visible' });
  note(`screenshot: ${await shot('login-wrong-password.png')}`);
  resp = await submitLogin('nobody-by-this-name', ALICE.password);
  assertEq(resp.status(), 401, 'unknown user status');
  assertEq((await page.getByRole('alert').textContent()).trim(), GENERIC_FAILURE, 'unknown user alert text');
  assertEq(callbacks.length, before, 'requests that reached the callback server');
  assert(!(await sessionCookie()), 'no session cookie');
});

await runCase('disabled user -> 401, the same generic message', async () => {
  if (opts['skip-disabled']) throw new Skip(opts['skip-disabled']);
  const user = need(opts['disabled-user'], '--disabled-user');
  // Meaningful only if alice's password is known to work (carol shares it).
  need(flows.mainHit, "alice's successful sign-in (carol has alice's password)");
  await context.clearCookies();
  await loginPageFields();
  const before = callbacks.length;
  // The disabled user has alice's password (same Secret), which just worked for alice.
  const resp = await submitLogin(user, ALICE.password);
  assertEq(resp.status(), 401, 'status');
  assertEq((await page.getByRole('alert').textContent()).trim(), GENERIC_FAILURE, 'alert text');
  assertEq(callbacks.length, before, 'requests that reached the callback server');
  assert(!(await sessionCookie()), 'no session cookie');
});

await runCase('too many attempts: 5 wrong passwords for bob -> 401 each, the 6th -> 429 "Too many attempts", Retry-After', async () => {
  await context.clearCookies();
  await loginPageFields();
  const statuses = [];
  let resp;
  for (let i = 1; i <= 6; i++) {
    resp = await submitLogin(BOB.username, `not-bobs-password-${i}`);
    statuses.push(resp.status());
  }
  assertEq(JSON.stringify(statuses), JSON.stringify([401, 401, 401, 401, 401, 429]), 'statuses of 6 attempts');
  const alert = (await page.getByRole('alert').textContent()).trim();
  assert(/^Too many attempts\. Wait \d+ seconds? and try again\.$/.test(alert), `alert text: ${alert}`);
  const retry = (await resp.allHeaders())['retry-after'];
  assert(/^\d+$/.test(retry || '') && Number(retry) >= 1, `Retry-After: ${retry}`);
  note(`6th attempt: 429, Retry-After ${retry}, "${alert}"`);
  note(`screenshot: ${await shot('login-too-many-attempts.png')}`);
  assert(!(await sessionCookie()), 'no session cookie');
});

// ---------------------------------------------------------------------------------------
// Logout, with alice's session back

await context.clearCookies();
await context.addCookies(savedCookies);

await runCase('logout with id_token_hint -> "You are signed out", session cookie cleared, next authorize shows the login page', async () => {
  const tokens = need(flows.latestTokens ?? flows.ssoTokens ?? flows.mainTokens, 'an ID token');
  assert(await sessionCookie(), 'alice\'s session cookie is back before logout');
  const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token });
  assert(url.href.startsWith(`${ISSUER}/oauth2/logout?`), `end session URL ${url.href}`);
  const resp = await page.goto(url.href, { waitUntil: 'load' });
  assertEq(resp.status(), 200, 'logout status');
  assert((await page.textContent('body')).includes('You are signed out'), 'the page says "You are signed out"');
  note(`screenshot: ${await shot('signed-out.png')}`);
  const setCookie = (await resp.headerValues('set-cookie')).join('\n');
  assert(/nauthera-session=;.*Max-Age=0/.test(setCookie), `Set-Cookie clears the session: ${setCookie}`);
  assert(!(await sessionCookie()), 'no session cookie in the browser after logout');
  const before = callbacks.length;
  const req = await newAuthRequest();
  await expectLoginPage(await openAuthorize(req));
  assertEq(callbacks.length, before, 'no code without the password after logout');
  flows.loggedOut = true;
});

await runCase('prompt=none without a session -> 302 to the client with error=login_required', async () => {
  // After the logout case this browser has no session; if that case failed, start clean.
  if (!flows.loggedOut) await context.clearCookies();
  assert(!(await sessionCookie()), 'no session');
  await expectRedirectError(await newAuthRequest({ extra: { prompt: 'none' } }), 'login_required');
});

// ---------------------------------------------------------------------------------------
// The expired code, issued at the start of the session cases

await runCase(`expired code, part 2: exchanged ${CODE_LIFETIME_S + 2} s after issue -> invalid_grant`, async () => {
  const e = need(flows.expiring, 'the code from part 1');
  const age = Date.now() - e.issuedBy;
  const wait = (CODE_LIFETIME_S + 2) * 1000 - age;
  if (wait > 0) {
    note(`waiting ${(wait / 1000).toFixed(1)} s for the code to pass its ${CODE_LIFETIME_S} s lifetime`);
    await new Promise((r) => setTimeout(r, wait));
  }
  expectOAuthError(await tokenPost(codeForm(e.req, e.hit)), 400, 'invalid_grant');
});

// ---------------------------------------------------------------------------------------

await context.close();
for (const s of servers) s.close();
console.log('');
console.log(`login_flow: ${passed} passed, ${failed} failed, ${skipped} skipped`);
for (const n of failedNames) console.log(`  failed: ${n}`);
process.exit(failed === 0 ? 0 : 1);
