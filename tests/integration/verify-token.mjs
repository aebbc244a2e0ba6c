// An independent oracle for Nauthera's tokens: npm `jose` (code we did not write) checks
// what the token server signs, against the live discovery document and JWKS.
//
//   node verify-token.mjs verify --issuer URL --audience AUD [--client-id ID]
//        [--email E] [--groups a,b | --no-groups] [--scope-has s1,s2] [--scope-lacks s]
//        < token
//     Verifies signature (RS256, key from the live JWKS found through discovery), iss, aud,
//     exp/iat, typ "at+jwt", kid, and the claims asked for. Prints {header, payload} as
//     JSON on success; exits 1 with the reason on stderr otherwise.
//
//   node verify-token.mjs jwks --issuer URL
//     Fetches discovery and the JWKS, checks every key: RSA, RS256, use sig, kid equal to
//     its RFC 7638 thumbprint, no private members. Prints the kids (JSON array).
import { createRemoteJWKSet, jwtVerify, calculateJwkThumbprint } from 'jose';

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) { opts[a.slice(2, eq)] = a.slice(eq + 1); continue; }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) opts[a.slice(2)] = true;
    else { opts[a.slice(2)] = next; i++; }
  }
  return opts;
}

function fail(msg) {
  console.error(`verify-token: ${msg}`);
  process.exit(1);
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function discovery(issuer) {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (res.status !== 200) fail(`discovery answered ${res.status}`);
  const doc = await res.json();
  if (doc.issuer !== issuer) fail(`discovery issuer ${JSON.stringify(doc.issuer)} != ${JSON.stringify(issuer)}`);
  if (typeof doc.jwks_uri !== 'string') fail('discovery has no jwks_uri');
  return doc;
}

const list = (v) => (typeof v === 'string' && v.length ? v.split(',') : []);

async function verify(opts) {
  const issuer = opts.issuer;
  const token = await readStdin();
  if (!token || token === 'null') fail(`no token on stdin (got ${JSON.stringify(token)})`);
  const doc = await discovery(issuer);
  const jwks = createRemoteJWKSet(new URL(doc.jwks_uri));
  let result;
  try {
    result = await jwtVerify(token, jwks, {
      issuer,
      audience: opts.audience,
      algorithms: ['RS256'],
      typ: 'at+jwt',
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope'],
    });
  } catch (e) {
    fail(`jwtVerify: ${e.code || ''} ${e.message}`);
  }
  const { payload: p, protectedHeader: h } = result;
  const now = Math.floor(Date.now() / 1000);
  // RFC 9068 §2.1: typ "at+jwt"; the contract fixes the short form.
  if (h.typ !== 'at+jwt') fail(`header typ ${JSON.stringify(h.typ)} is not "at+jwt"`);
  if (h.alg !== 'RS256') fail(`header alg ${h.alg}`);
  if (typeof h.kid !== 'string' || !h.kid) fail('header has no kid');
  if (!(p.exp > now)) fail(`exp ${p.exp} is not in the future (now ${now})`);
  if (!(p.iat <= now + 5)) fail(`iat ${p.iat} is in the future (now ${now})`);
  if (typeof p.sub !== 'string' || !p.sub) fail('sub is empty');
  if (typeof p.jti !== 'string' || !p.jti) fail('jti is empty');
  if (opts['client-id'] !== undefined && p.client_id !== opts['client-id'])
    fail(`client_id ${JSON.stringify(p.client_id)} != ${JSON.stringify(opts['client-id'])}`);
  if (opts.email !== undefined) {
    if (p.email !== opts.email) fail(`email ${JSON.stringify(p.email)} != ${JSON.stringify(opts.email)}`);
    if (p.email_verified !== true)
      fail(`email_verified is ${JSON.stringify(p.email_verified)} (${typeof p.email_verified}), not the boolean true`);
  }
  if (opts.groups !== undefined) {
    const want = list(opts.groups);
    if (!Array.isArray(p.groups) || JSON.stringify(p.groups) !== JSON.stringify(want))
      fail(`groups ${JSON.stringify(p.groups)} != ${JSON.stringify(want)}`);
  }
  if (opts['no-groups'] && p.groups !== undefined) fail(`groups present: ${JSON.stringify(p.groups)}`);
  const scopes = typeof p.scope === 'string' ? p.scope.split(' ') : [];
  for (const s of list(opts['scope-has'])) if (!scopes.includes(s)) fail(`scope "${p.scope}" lacks ${s}`);
  for (const s of list(opts['scope-lacks'])) if (scopes.includes(s)) fail(`scope "${p.scope}" has ${s}`);
  console.log(JSON.stringify({ header: h, payload: p }));
}

async function checkJwks(opts) {
  const doc = await discovery(opts.issuer);
  const res = await fetch(doc.jwks_uri);
  if (res.status !== 200) fail(`JWKS answered ${res.status}`);
  const { keys } = await res.json();
  if (!Array.isArray(keys) || keys.length === 0) fail('JWKS has no keys');
  const kids = [];
  for (const k of keys) {
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
      if (k[priv] !== undefined) fail(`JWKS key ${k.kid} publishes private member ${priv}`);
    if (k.kty !== 'RSA') fail(`key ${k.kid} kty ${k.kty}`);
    if (k.alg !== undefined && k.alg !== 'RS256') fail(`key ${k.kid} alg ${k.alg}`);
    if (k.use !== undefined && k.use !== 'sig') fail(`key ${k.kid} use ${k.use}`);
    const thumb = await calculateJwkThumbprint({ kty: k.kty, n: k.n, e: k.e }, 'sha256');
    if (k.kid !== thumb) fail(`kid ${k.kid} is not the RFC 7638 thumbprint ${thumb}`);
    kids.push(k.kid);
  }
  console.log(JSON.stringify(kids.sort()));
}

const [mode, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest);
if (!opts.issuer) fail('--issuer is required');
try {
  if (mode === 'verify') await verify(opts);
  else if (mode === 'jwks') await checkJwks(opts);
  else fail(`unknown mode ${mode}`);
} catch (e) {
  fail(`${e.name}: ${e.message}`);
}
