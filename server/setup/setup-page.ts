/**
 * The built-in first-run page, served at /setup when no built setup page exists (dist/pages/setup).
 * Plain HTML and one script file from this origin, so the pages' strict CSP holds (no inline
 * script or style). The script reads the token from the URL fragment, removes it from the address
 * bar, and posts the form to /api/v1/setup. Everything shown back is set as text, never as HTML.
 */

export const SETUP_SCRIPT_PATH = '/setup/setup.js';

export const SETUP_PAGE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lifeline: first-run setup</title>
<script src="${SETUP_SCRIPT_PATH}" defer></script></head>
<body>
<h1>Set up Lifeline</h1>
<p>Create your company and its first manager. This page works once, with the link the server printed.</p>
<form id="setup">
<p><label>Company name <input name="companyName" required maxlength="120" autocomplete="organization"></label></p>
<p><label>Your name <input name="name" required maxlength="100" autocomplete="name"></label></p>
<p><label>E-mail address <input name="email" type="email" required maxlength="254" autocomplete="email"></label></p>
<p><label>Password (10 characters or more) <input name="password" type="password" required minlength="10" maxlength="256" autocomplete="new-password"></label></p>
<p><button type="submit">Create the company and my manager account</button></p>
</form>
<p id="result" role="status"></p>
</body>
</html>
`;

export const SETUP_SCRIPT = `'use strict';
(function () {
  var token = location.hash.slice(1);
  if (location.hash) history.replaceState(null, '', location.pathname);
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('setup');
    var result = document.getElementById('result');
    if (!token) {
      result.textContent = 'This link has no setup token. Open the exact link the server printed.';
      return;
    }
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var data = new FormData(form);
      var body = { setupToken: token };
      ['companyName', 'name', 'email', 'password'].forEach(function (k) { body[k] = String(data.get(k) || ''); });
      result.textContent = 'Creating...';
      fetch('/api/v1/setup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
        .then(function (res) { return res.json().then(function (json) { return { ok: res.ok, json: json }; }); })
        .then(function (r) {
          if (r.ok) {
            form.hidden = true;
            result.textContent = 'Done. ' + r.json.agent.email + ' is the first manager. Sign in from the Lifeline extension or the management center.';
          } else {
            result.textContent = 'Not done: ' + ((r.json.error && r.json.error.message) || 'the server refused');
          }
        })
        .catch(function () { result.textContent = 'The server could not be reached; try again.'; });
    });
  });
})();
`;
