// Run as a child process by socket-io.test.ts: a login over HTTP, a socket.io connection that
// reads the session, then io.close(). The process must then exit by itself; anything custos left
// running (a timer, a store connection, a socket) would keep it alive.
import { io as connect } from 'socket.io-client';
import { Jar } from './jar.js';
import { startSocketApp, type Whoami } from './socket-io-app.js';

const app = await startSocketApp();
const jar = new Jar();
const res = await fetch(`${app.url}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'user=ada',
});
jar.take({ 'set-cookie': res.headers.getSetCookie() });
const socket = connect(app.url, { extraHeaders: { cookie: jar.header() }, reconnection: false });
const answer = (await socket.timeout(5_000).emitWithAck('whoami')) as Whoami;
socket.disconnect();
await app.close();
process.stdout.write(`user ${answer.user}, closed\n`);
