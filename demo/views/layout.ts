import { html, type SafeHtml } from './html.js';

/** What every page needs to draw the header and, when signed in, the idle countdown. */
export interface PageContext {
  /** The signed-in user, or null. */
  readonly user: { readonly name: string; readonly role: string } | null;
  /** A fresh masked CSRF token for this response's forms. */
  readonly csrfToken: () => string;
  /** Per-response nonce for the one inline script (CSP). */
  readonly nonce: string;
  /** Milliseconds until the server treats the session as idle; null when signed out. */
  readonly idleRemainingMs: number | null;
  /** Sessions are sealed cookies (`CUSTOS_STORE=cookie:`), not server-side records. */
  readonly sealedCookies?: boolean;
}

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken()}">`;
}

/**
 * The idle countdown counts locally from the server's deadline and then reloads, so the server
 * (not this script) decides: an idle session comes back as the sign-in page. It never polls,
 * because polling would itself keep the session alive.
 */
function idleCountdown(ctx: PageContext): SafeHtml {
  if (ctx.idleRemainingMs === null) return html``;
  return html`<p class="idle" id="idle" data-remaining="${ctx.idleRemainingMs}">
      Signed out after inactivity in <strong>…</strong></p>
    <script nonce="${ctx.nonce}">
      (() => {
        const box = document.getElementById('idle');
        const out = box.querySelector('strong');
        const end = Date.now() + Number(box.dataset.remaining);
        const tick = () => {
          const left = Math.max(0, end - Date.now());
          const s = Math.ceil(left / 1000);
          out.textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
          if (left <= 0) { setTimeout(() => location.reload(), 500); return; }
          setTimeout(tick, 250);
        };
        tick();
      })();
    </script>`;
}

function nav(ctx: PageContext): SafeHtml {
  if (!ctx.user) return html`<a href="/">Home</a><a href="/login">Sign in</a>`;
  return html`<a href="/account">Account</a><a href="/sessions">Sessions</a><a href="/settings">Settings</a>
    ${ctx.user.role === 'admin' ? html`<a href="/admin">Admin</a>` : ''}
    <form method="post" action="/logout">${csrfField(ctx)}<button type="submit" id="logout">Sign out</button></form>`;
}

export function layout(ctx: PageContext, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Custos Bank</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><div class="bar"><a class="brand" href="/"><span class="logo" aria-hidden="true"></span>Custos Bank</a>${nav(ctx)}</div></header>
<main>
${idleCountdown(ctx)}
${body}
</main>
</body>
</html>
`.value;
}
