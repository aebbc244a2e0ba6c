// The user's browser in the end-to-end test: kubelogin opens it (through `xdg-open URL`, as it
// does on a Linux desktop; guide_test.sh puts a shim named xdg-open first on PATH) with the URL
// of its local server, which redirects to Nauthera's authorization endpoint. Headless Chromium
// (Debian's /usr/bin/chromium, driven by npm playwright-core) signs in on Nauthera's login page
// and follows the redirect back to kubelogin's callback, then closes.
//
//   node browser-login.mjs URL
//   environment: E2E_LOGIN_USER, E2E_LOGIN_PASSWORD  who signs in
//                E2E_ISSUER                          Nauthera's issuer URL (the login page's origin)
//                E2E_ISSUER_SPKI                     base64 SHA-256 of the issuer certificate's
//                                                    public key: the one certificate Chromium
//                                                    accepts without a public CA
//                E2E_ARTIFACTS                       folder for a screenshot when it fails
//                E2E_NODE_MODULES                    node_modules with playwright-core
// Exit 0 when kubelogin's callback page said the login worked; 1 otherwise (kubelogin then
// times out and kubectl fails, which the test reports).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';

const url = process.argv[2];
const env = (k) => {
  const v = process.env[k];
  if (!v) { console.error(`browser-login: environment ${k} is required`); process.exit(2); }
  return v;
};
const USER = env('E2E_LOGIN_USER');
const PASSWORD = env('E2E_LOGIN_PASSWORD');
const ISSUER = env('E2E_ISSUER');
const SPKI = env('E2E_ISSUER_SPKI');
const ARTIFACTS = env('E2E_ARTIFACTS');
const require = createRequire(path.join(env('E2E_NODE_MODULES'), 'noop.js'));
const { chromium } = require('playwright-core');

const log = (msg) => console.error(`browser-login: ${msg}`);
if (!url || !url.startsWith('http://')) { log(`want kubelogin's http:// URL, got ${url}`); process.exit(2); }

mkdirSync(ARTIFACTS, { recursive: true });
// A fresh profile each time: no session cookie from an earlier login, so every login shows
// the login page (a user whose browser kept Nauthera's session would skip it).
const profile = mkdtempSync(path.join(os.tmpdir(), 'nauthera-e2e-chromium-'));
const t0 = Date.now();
let context;
let status = 1;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           `--ignore-certificate-errors-spki-list=${SPKI}`],
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(url, { waitUntil: 'load' });
  if (!page.url().startsWith(`${ISSUER}/`)) throw new Error(`kubelogin did not send the browser to ${ISSUER}: at ${page.url()}`);
  await page.locator('#username').waitFor({ state: 'visible' });
  await page.fill('#username', USER);
  await page.fill('#password', PASSWORD);
  const callback = page.waitForURL((u) => u.protocol === 'http:' && u.origin !== ISSUER, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The guide's kubectl client has the default consent (required): the first sign-in shows
  // the consent page (OIDC Core §3.1.2.4), where the user allows kubectl.
  const allow = page.getByRole('button', { name: 'Allow' });
  await Promise.race([callback, allow.waitFor({ state: 'visible' }).catch(() => {})]);
  if (page.url().startsWith(`${ISSUER}/`) && await allow.count() > 0) {
    log('consent page: Allow');
    await allow.click();
  }
  await callback;
  const text = (await page.innerText('body')).replace(/\s+/g, ' ').trim();
  // kubelogin's success page says "Authenticated"; its error page carries the OAuth error.
  if (!/Authenticated/i.test(text)) throw new Error(`kubelogin's callback page at ${page.url()} says: ${text.slice(0, 300)}`);
  log(`${USER} signed in at ${ISSUER} in ${Date.now() - t0} ms; kubelogin said: ${text.slice(0, 80)}`);
  status = 0;
} catch (e) {
  log(`FAILED after ${Date.now() - t0} ms: ${e.message}`);
  try {
    const page = context?.pages()[0];
    if (page) {
      const file = path.join(ARTIFACTS, `browser-failure-${Date.now()}.png`);
      await page.screenshot({ path: file, fullPage: true });
      log(`at ${page.url()}; screenshot ${file}`);
    }
  } catch { /* the browser may be gone */ }
  // Tell kubelogin at once (RFC 6749 §4.1.2.1 error response to its redirect URI) rather
  // than leaving it to wait out its authentication timeout.
  try {
    await fetch(new URL(`/?error=access_denied&error_description=${encodeURIComponent('the test browser could not sign in')}`, url));
  } catch { /* kubelogin may have stopped */ }
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
