// ES256 checked from the outside: npm `jose` (createRemoteJWKSet + jwtVerify, algorithms
// ['ES256'] only) verifies a client_credentials access token and alice's ID token, and npm
// `openid-client` 6 runs the authorization-code flow with id_token_signed_response_alg ES256.
//
//   ALICE_PASSWORD=.. CI_SECRET=.. node es256-flow.mjs --issuer URL --kubectl-id ID --ci-id ID
//        [--expect-algs ES256[,RS256]]
// Prints PASS/FAIL lines; exits 1 on any FAIL.
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader, calculateJwkThumbprint } from 'jose';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const ISSUER = opt('issuer');
const KUBECTL_ID = opt('kubectl-id');
const CI_ID = opt('ci-id');
const EXPECT_ALGS = opt('expect-algs', 'ES256').split(',').sort();
const { CI_SECRET, ALICE_PASSWORD } = process.env;
const REDIRECT_URI = 'http://localhost:8000';

let failed = 0;
async function runCase(name, fn) {
  try {
    await fn();
    console.log(`PASS  es256: ${name}`);
  } catch (e) {
    failed = 1;
    console.log(`FAIL  es256: ${name}: ${e.message}`);
  }
}
function assert(cond, message) { if (!cond) throw new Error(message); }

const insecure = { execute: [client.allowInsecureRequests] };
const doc = await (await fetch(`${ISSUER}/.well-known/openid-configuration`)).json();
const jwks = createRemoteJWKSet(new URL(doc.jwks_uri));

await runCase('discovery lists exactly the published keys\' algorithms', async () => {
  const got = [...doc.id_token_signing_alg_values_supported].sort();
  assert(JSON.stringify(got) === JSON.stringify(EXPECT_ALGS),
    `id_token_signing_alg_values_supported ${JSON.stringify(got)}, want ${JSON.stringify(EXPECT_ALGS)}`);
});

await runCase('JWKS keys: EC P-256 for ES256, kid = RFC 7638 thumbprint, no private part', async () => {
  const set = await (await fetch(doc.jwks_uri)).json();
  const algs = [...new Set(set.keys.map((k) => k.alg))].sort();
  assert(JSON.stringify(algs) === JSON.stringify(EXPECT_ALGS), `JWKS algs ${JSON.stringify(algs)}`);
  for (const k of set.keys) {
    assert(!('d' in k), `key ${k.kid} has a private member`);
    if (k.alg === 'ES256') {
      assert(k.kty === 'EC' && k.crv === 'P-256' && k.use === 'sig', `key ${k.kid}: ${JSON.stringify(k)}`);
    }
    assert(k.kid === await calculateJwkThumbprint(k, 'sha256'), `kid ${k.kid} is not the thumbprint`);
  }
});

await runCase('a client_credentials access token is ES256 and jose verifies it', async () => {
  const ci = await client.discovery(new URL(ISSUER), CI_ID, undefined, client.ClientSecretPost(CI_SECRET), insecure);
  const tokens = await client.clientCredentialsGrant(ci, { scope: 'openid' });
  assert(decodeProtectedHeader(tokens.access_token).alg === 'ES256',
    `header ${JSON.stringify(decodeProtectedHeader(tokens.access_token))}`);
  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
    issuer: ISSUER, algorithms: ['ES256'], typ: 'at+jwt',
  });
  assert(protectedHeader.alg === 'ES256' && payload.client_id === CI_ID, JSON.stringify(payload));
  // The same token is refused when only RS256 is allowed: jose really checks the alg.
  let refused = false;
  try { await jwtVerify(tokens.access_token, jwks, { issuer: ISSUER, algorithms: ['RS256'] }); } catch { refused = true; }
  assert(refused, 'accepted with algorithms [RS256]');
});

function htmlField(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`login page has no ${name} field`);
  return m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

await runCase('alice\'s ID token is ES256: openid-client (ES256 expected) and jose accept it', async () => {
  // openid-client expects RS256 ID tokens unless told otherwise (OIDC Registration §2).
  const kubectl = await client.discovery(new URL(ISSUER), KUBECTL_ID,
    { id_token_signed_response_alg: 'ES256' }, client.None(), insecure);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(kubectl, {
    redirect_uri: REDIRECT_URI, scope: 'openid email groups', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const page = await fetch(url, { redirect: 'manual' });
  const html = await page.text();
  assert(page.status === 200, `authorize ${page.status}: ${html.slice(0, 200)}`);
  const cookie = (page.headers.getSetCookie() || []).map((c) => c.split(';')[0]).join('; ');
  const login = await fetch(`${ISSUER}/oauth2/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({
      csrf_token: htmlField(html, 'csrf_token'), request: htmlField(html, 'request'),
      username: 'alice', password: ALICE_PASSWORD,
    }),
  });
  assert(login.status === 303, `login ${login.status}: ${(await login.text()).slice(0, 300)}`);
  const tokens = await client.authorizationCodeGrant(kubectl, new URL(login.headers.get('location')), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
  });
  const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, {
    issuer: ISSUER, audience: KUBECTL_ID, algorithms: ['ES256'],
  });
  assert(protectedHeader.alg === 'ES256' && payload.nonce === nonce, JSON.stringify(payload));
  // userinfo verifies our own ES256 access token.
  const info = await client.fetchUserInfo(kubectl, tokens.access_token, payload.sub);
  assert(info.sub === payload.sub, `userinfo ${JSON.stringify(info)}`);
});

process.exit(failed);
