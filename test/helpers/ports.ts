import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Where the kernel's ephemeral range (Linux) starts: listen(0) and every outgoing connection get
 * their ports there. A port picked there can be handed to some process's outgoing connection
 * between our check and a server's bind, and the server then exits with "Address already in use"
 * (a private redis-server did, once, in a CI run).
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low)) return low;
  } catch {
    // Not Linux: assume the IANA range.
  }
  return 49152;
}

function listensOn(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
    });
  });
}

const LOWEST = 10_000;

/**
 * A loopback TCP port nobody listens on right now (to start a server on, or to find closed),
 * chosen at random below the ephemeral range so no outgoing connection can take it meanwhile.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low - LOWEST >= 1_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = await listensOn(LOWEST + Math.floor(Math.random() * (low - LOWEST)));
      if (port !== null) return port;
    }
  }
  const port = await listensOn(0);
  if (port === null) throw new Error('no free loopback port');
  return port;
}
