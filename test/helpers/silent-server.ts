import net from 'node:net';

/**
 * A TCP server that accepts connections and never answers: what a store's driver meets behind a
 * hung database or a black-holed load balancer, where only its own connect timeout ends the wait.
 */
export async function silentServer(): Promise<{
  port: number;
  /** The connections the driver opened (a test checks it really tried). */
  sockets: Set<net.Socket>;
  close: () => Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
