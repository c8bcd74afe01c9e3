// What the desktop shell trusts (src/main/electron/policy.ts), including the dev-server case the bundle test
// does not run: which URLs are the app, which links may open in the browser, which CSP header pages get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTERNAL_ORIGINS, headerCsp, isAllowedExternal, isAppUrl } from '../../../src/main/electron/policy';
import { contentSecurityPolicy } from '../../../src/main/web/csp';

const indexHtml = path.resolve('/opt/Paddy dir/resources/app.asar/out/renderer/index.html');
const built = { devUrl: null, indexHtml };
const app = pathToFileURL(indexHtml).href;

test('built app: only its own index.html (any route) is the app, no other file: URL', () => {
  for (const url of [app, `${app}#/browse`, `${app}?x=1`, app.replace('/renderer/', '/renderer/../renderer/')]) assert.equal(isAppUrl(url, built), true, url);
  for (const url of [
    pathToFileURL(path.join(path.dirname(indexHtml), 'other.html')).href,
    pathToFileURL(path.join(path.dirname(indexHtml), 'assets', 'index.html')).href,
    'file:///etc/passwd',
    app.replace('file://', 'file://evil.example'),
    'http://localhost:5173/',
    'paddy-img://thumb/1',
    'not a url',
    '',
  ]) {
    assert.equal(isAppUrl(url, built), false, url);
  }
});

test('dev: the dev server origin is the app; files and other origins are not', () => {
  const dev = { devUrl: 'http://localhost:5173', indexHtml };
  assert.equal(isAppUrl('http://localhost:5173/', dev), true);
  assert.equal(isAppUrl('http://localhost:5173/src/main.tsx', dev), true);
  for (const url of ['http://localhost:5174/', 'http://127.0.0.1:5173/', 'https://localhost:5173/', app]) assert.equal(isAppUrl(url, dev), false, url);
});

test('external links: none allowed today; an allowlisted origin only over https, exactly, without credentials', () => {
  assert.deepEqual(EXTERNAL_ORIGINS, []);
  assert.equal(isAllowedExternal('https://example.com/'), false);
  const allow = ['https://docs.example'];
  assert.equal(isAllowedExternal('https://docs.example/guide#train', allow), true);
  for (const url of ['http://docs.example/', 'https://docs.example.evil.com/', 'https://evil.com/?https://docs.example', 'https://user:pw@docs.example/', 'https://docs.example:444/', 'javascript:alert(1)', 'file:///etc/passwd', 'nonsense']) {
    assert.equal(isAllowedExternal(url, allow), false, url);
  }
});

test('header CSP: the full policy with frame-ancestors for the built app; frame-ancestors only for the dev server', () => {
  assert.equal(headerCsp(null), contentSecurityPolicy());
  assert.match(headerCsp(null), /frame-ancestors 'none'/);
  assert.match(headerCsp(null), /script-src 'self'(;|$)/);
  assert.equal(headerCsp('http://localhost:5173'), "frame-ancestors 'none'");
});
