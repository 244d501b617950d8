import type { SessionInfo } from '../../src/index.js';
import type { Transfer } from '../ledger.js';
import { summariseDevice } from './device.js';
import { formatMoney, formatTime, html, type SafeHtml } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

export type Notice = { readonly kind: 'ok' | 'error'; readonly text: string } | null;

function notice(n: Notice): SafeHtml {
  return n ? html`<p class="notice ${n.kind}" role="status">${n.text}</p>` : html``;
}

export function homePage(ctx: PageContext): string {
  return layout(
    ctx,
    'Welcome',
    html`<h1>Sessions done right</h1>
    <div class="card">
      <p>This bank runs on <strong>custos</strong>: hashed session ids, sealed data, idle and absolute
      expiry, id rotation on every login, CSRF protection in layers, and "sign out other devices".</p>
      ${
        ctx.user
          ? html`<p>Signed in as <strong>${ctx.user.name}</strong>. <a href="/account">Go to your account →</a></p>`
          : html`<p><a href="/login">Sign in</a> as <code>alice</code> / <code>alice-correct-horse</code>
            or <code>bob</code> / <code>bob-battery-staple</code>.</p>`
      }
    </div>
    <div class="grid">
      <div class="card"><h2>Try to break it</h2><p class="muted">While signed in, open the hostile site
      (default <code>http://127.0.0.1:3001</code>). Its pages try to move your money and to log you in
      as the attacker. Your balance will not change.</p></div>
      <div class="card"><h2>Watch the timers</h2><p class="muted">The countdown on every signed-in page
      is the server's idle deadline. Let it run out and the server forgets the session.</p></div>
    </div>`,
  );
}

export function loginPage(ctx: PageContext, options: { notice?: Notice; username?: string; next?: string }): string {
  return layout(
    ctx,
    'Sign in',
    html`<h1>Sign in</h1>
    <div class="card">
      ${notice(options.notice ?? null)}
      <form class="stack" method="post" action="/login" id="login-form">
        ${csrfField(ctx)}
        ${options.next ? html`<input type="hidden" name="next" value="${options.next}">` : ''}
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" required value="${options.username ?? ''}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
      </form>
    </div>`,
  );
}

/**
 * What a stateless (sealed-cookie) session cannot do, said where the user meets it (docs/stores.md,
 * "Sealed cookies: the trade-off").
 */
function sealedCookieLimits(ctx: PageContext, where: 'account' | 'sessions'): SafeHtml | string {
  if (!ctx.sealedCookies) return '';
  return where === 'account'
    ? html`<p class="muted" id="sealed-cookie-limits">This bank keeps your session in a sealed cookie
        (<code>CUSTOS_STORE=cookie:</code>): each response carries the whole session, so when two requests
        change it at the same time the last response wins (add items to the cart one at a time). Money and
        transfers live on the server and are not affected.</p>`
    : html`<p class="muted" id="sealed-cookie-limits">This bank keeps sessions in sealed cookies
        (<code>CUSTOS_STORE=cookie:</code>), so the server has no list of your devices to show. Signing out,
        "Sign out other devices" and an administrator's revocation still work: the server keeps revocation
        records, not sessions.</p>`;
}

export function accountPage(
  ctx: PageContext,
  data: { balance: number; transfers: Transfer[]; email: string; notice?: Notice },
): string {
  const user = ctx.user?.name ?? '';
  return layout(
    ctx,
    'Account',
    html`<h1>Hello, ${user}</h1>
    ${notice(data.notice ?? null)}
    <div class="grid">
      <div class="card"><h2>Balance</h2><div class="balance" id="balance">${formatMoney(data.balance)}</div>
        <p class="muted">E-mail: <span id="email">${data.email}</span></p></div>
      <div class="card"><h2>Send money</h2>
        <form class="stack" method="post" action="/transfer" id="transfer-form">
          ${csrfField(ctx)}
          <label for="to">To</label><input id="to" name="to" required placeholder="bob">
          <label for="amount">Amount</label><input id="amount" name="amount" inputmode="numeric" required placeholder="100">
          <button type="submit">Send</button>
        </form></div>
    </div>
    <div class="card"><h2>Recent transfers</h2>
      ${
        data.transfers.length === 0
          ? html`<p class="muted">No transfers yet.</p>`
          : html`<table id="transfers"><tr><th>When</th><th>From</th><th>To</th><th>Amount</th></tr>
            ${data.transfers.map(
              (t) =>
                html`<tr><td>${formatTime(t.at)}</td><td>${t.from}</td><td>${t.to}</td><td>${formatMoney(t.amount)}</td></tr>`,
            )}</table>`
      }
    </div>
    ${sealedCookieLimits(ctx, 'account')}`,
  );
}

export function sessionsPage(ctx: PageContext, data: { sessions: SessionInfo[]; notice?: Notice }): string {
  return layout(
    ctx,
    'Your sessions',
    html`<h1>Your sessions</h1>
    ${notice(data.notice ?? null)}
    <div class="card">
      <table id="sessions">
        <tr><th>Device</th><th>Created</th><th>Last seen</th><th></th></tr>
        ${data.sessions.map(
          (s) => html`<tr data-handle="${s.handle}">
            <td title="${s.device ?? ''}">${summariseDevice(s.device)}<br><span class="muted">${s.ip ?? ''}</span></td>
            <td>${formatTime(s.createdAt)}</td><td>${formatTime(s.lastSeenAt)}</td>
            <td>${s.current ? html`<span class="tag">This device</span>` : ''}
              <form class="inline" method="post" action="/sessions/${s.handle}/revoke">${csrfField(ctx)}
                <button class="danger" type="submit">${s.current ? 'Sign out' : 'Revoke'}</button></form></td>
          </tr>`,
        )}
      </table>
      ${sealedCookieLimits(ctx, 'sessions')}
      <form method="post" action="/sessions/revoke-others" class="stack">${csrfField(ctx)}
        <button type="submit" class="secondary" id="revoke-others">Sign out other devices</button></form>
      <p class="muted">Revoking another device needs a password confirmation in the last few minutes.</p>
    </div>`,
  );
}

export function settingsPage(
  ctx: PageContext,
  data: { email: string; freshUntil: number | null; notice?: Notice },
): string {
  return layout(
    ctx,
    'Settings',
    html`<h1>Settings</h1>
    ${notice(data.notice ?? null)}
    <div class="grid">
      <div class="card"><h2>E-mail</h2>
        <p class="muted">${
          data.freshUntil && data.freshUntil > Date.now()
            ? html`Recently confirmed: changes allowed until ${formatTime(data.freshUntil)}.`
            : html`Changing it needs a recent password confirmation.`
        }</p>
        <form class="stack" method="post" action="/account/email">${csrfField(ctx)}
          <label for="email">New e-mail</label><input id="email" name="email" type="email" required value="${data.email}">
          <button type="submit">Change e-mail</button></form></div>
      <div class="card"><h2>Password</h2>
        <form class="stack" method="post" action="/password">${csrfField(ctx)}
          <label for="current">Current password</label><input id="current" name="current" type="password" autocomplete="current-password" required>
          <label for="next">New password</label><input id="next" name="next" type="password" autocomplete="new-password" minlength="8" required>
          <button type="submit">Change password</button></form>
        <p class="muted">Changing it signs out every other device.</p></div>
    </div>`,
  );
}

export function reauthPage(ctx: PageContext, data: { next: string; notice?: Notice }): string {
  return layout(
    ctx,
    'Confirm your password',
    html`<h1>Confirm it's you</h1>
    <div class="card">
      ${notice(data.notice ?? { kind: 'error', text: 'This action needs a recent password confirmation.' })}
      <form class="stack" method="post" action="/reauth" id="reauth-form">${csrfField(ctx)}
        <input type="hidden" name="next" value="${data.next}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Confirm</button></form>
    </div>`,
  );
}

export function adminPage(ctx: PageContext, data: { users: string[]; notice?: Notice }): string {
  return layout(
    ctx,
    'Admin',
    html`<h1>Admin</h1>
    ${notice(data.notice ?? null)}
    <div class="card"><h2>Users</h2><table>
      ${data.users.map(
        (
          u,
        ) => html`<tr><td>${u}</td><td><form class="inline" method="post" action="/admin/users/${u}/revoke">${csrfField(ctx)}
          <button class="danger" type="submit">Revoke all sessions</button></form></td></tr>`,
      )}</table></div>`,
  );
}

export function messagePage(ctx: PageContext, title: string, text: string): string {
  return layout(ctx, title, html`<h1>${title}</h1><div class="card"><p>${text}</p><p><a href="/">Home</a></p></div>`);
}
