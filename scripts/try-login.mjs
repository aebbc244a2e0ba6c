#!/usr/bin/env node
// Try the guide's Option A by hand, as kubelogin does it: authorization code + PKCE with the
// quickstart's public `kubectl` client. It listens on http://localhost:8000 (a redirect URI
// the client registers), prints an authorization URL to open in your browser, receives the
// code after you sign in (alice / alice-demo-password), exchanges it and prints the ID token's
// claims. No npm packages needed: Node's own crypto, http and fetch.
//
//   node scripts/try-login.mjs [ISSUER] [CLIENT_ID]
// Defaults: http://127.0.0.1:8080, and the client id from .state/secrets/nauthera-system/.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const issuer = process.argv[2] || 'http://127.0.0.1:8080';
const clientId = process.argv[3] || (() => {
  const file = '.state/secrets/nauthera-system/kubectl-credentials.yaml';
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.trim().startsWith('client_id:'));
  return Buffer.from(line.split(':')[1].trim(), 'base64').toString();
})();
// The quickstart registers both, as kubelogin tries 8000 and then 18000.
const ports = [8000, 18000];
const b64url = (buf) => buf.toString('base64url');

const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const verifier = b64url(randomBytes(32));
const challenge = b64url(createHash('sha256').update(verifier).digest());
const state = b64url(randomBytes(16));
const nonce = b64url(randomBytes(16));

function authorizationUrl(redirectUri) {
const url = new URL(discovery.authorization_endpoint);
for (const [k, v] of Object.entries({
  response_type: 'code', client_id: clientId, redirect_uri: redirectUri,
  scope: 'openid profile email groups', state, nonce,
  code_challenge: challenge, code_challenge_method: 'S256',
})) url.searchParams.set(k, v);
return url;
}
let redirectUri;

const server = createServer(async (req, res) => {
  const params = new URL(req.url, 'http://localhost').searchParams;
  if (!params.has('code') && !params.has('error')) { res.writeHead(404).end(); return; }
  const fail = (msg) => { res.end(msg + '\n'); console.error(msg); server.close(); process.exitCode = 1; };
  if (params.get('error')) return fail(`error: ${params.get('error')}: ${params.get('error_description')}`);
  if (params.get('state') !== state) return fail('error: state does not match');
  if (params.get('iss') !== discovery.issuer) return fail('error: iss does not match (RFC 9207)');
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri,
      client_id: clientId, code_verifier: verifier,
    }),
  });
  const tokens = await response.json();
  if (!response.ok) return fail(`token error: ${JSON.stringify(tokens)}`);
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url'));
  if (claims.nonce !== nonce) return fail('error: nonce does not match');
  res.end('Signed in. You can close this tab; the terminal shows your ID token.\n');
  console.log('\nSigned in. ID token claims (what kubectl would present to kube-apiserver):');
  console.log(JSON.stringify(claims, null, 2));
  console.log(`\nA refresh token came too: ${tokens.refresh_token ? 'yes' : 'no'}`);
  server.close();
});
function listen(i) {
  if (i >= ports.length) {
    console.error(`localhost ports ${ports.join(' and ')} are both in use; free one and retry`);
    process.exit(1);
  }
  const onError = () => listen(i + 1);
  server.once('error', onError);
  server.listen(ports[i], '127.0.0.1', () => {
    server.off('error', onError);
    redirectUri = `http://localhost:${ports[i]}`;
    console.log('Open this URL in your browser and sign in as alice (password alice-demo-password):\n');
    console.log(authorizationUrl(redirectUri).toString());
    console.log(`\nWaiting for the redirect to ${redirectUri} ...`);
  });
}
listen(0);
