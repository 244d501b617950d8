/** The whole stylesheet: served as /style.css so the CSP can forbid inline styles. */
export const STYLESHEET = `
:root { --ink:#1d2433; --muted:#5b6577; --line:#dde2ea; --bg:#f5f7fa; --card:#fff; --brand:#1f5eff; --bad:#b42318; --good:#067647; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header { background:var(--ink); color:#fff; }
header .bar { max-width:860px; margin:0 auto; padding:12px 20px; display:flex; gap:18px; align-items:center; }
header a { color:#fff; text-decoration:none; opacity:.85; }
header a:hover { opacity:1; }
header .brand { font-weight:700; font-size:18px; opacity:1; margin-right:auto; display:flex; align-items:center; gap:9px; }
header .logo { width:18px; height:21px; background:linear-gradient(160deg,#6d9bff,#1f5eff); clip-path:polygon(50% 0,100% 18%,100% 55%,50% 100%,0 55%,0 18%); }
header form { margin:0; }
header button { background:transparent; border:1px solid #ffffff66; color:#fff; padding:4px 12px; }
main { max-width:860px; margin:28px auto; padding:0 20px; }
a { color:var(--brand); }
h1 { font-size:26px; margin:0 0 16px; }
h2 { font-size:18px; margin:0 0 12px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:20px 22px; margin-bottom:18px; }
.grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(240px,1fr)); gap:18px; }
.balance { font-size:34px; font-weight:700; letter-spacing:-.5px; }
.muted { color:var(--muted); font-size:14px; }
label { display:block; font-size:14px; font-weight:600; margin:10px 0 4px; }
input { width:100%; padding:9px 11px; border:1px solid var(--line); border-radius:7px; font:inherit; }
button { font:inherit; cursor:pointer; border-radius:7px; border:1px solid var(--brand); background:var(--brand); color:#fff; padding:8px 16px; }
button.secondary { background:#fff; color:var(--brand); }
button.danger { background:#fff; color:var(--bad); border-color:var(--bad); }
form.stack button { margin-top:14px; }
form.inline { display:inline; }
table { width:100%; border-collapse:collapse; font-size:14px; }
th, td { text-align:left; padding:8px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
.tag { display:inline-block; font-size:12px; padding:1px 8px; border-radius:99px; background:#e8efff; color:var(--brand); }
.notice { padding:10px 14px; border-radius:8px; margin-bottom:16px; }
.notice.error { background:#fef3f2; color:var(--bad); border:1px solid #fecdca; }
.notice.ok { background:#ecfdf3; color:var(--good); border:1px solid #abefc6; }
.idle { font-size:13px; color:var(--muted); text-align:right; margin-bottom:8px; }
.idle strong { font-variant-numeric:tabular-nums; }
code { background:#eef1f6; padding:1px 5px; border-radius:4px; font-size:13px; }
ul.plain { padding-left:18px; }
`;
