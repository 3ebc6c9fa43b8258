package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that resets the connection once, after {@code cutAfter} bytes have gone
 * upstream: a network failure in the middle of an upload, between a real client and a real server.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final URI upstream;
  private final long cutAfter;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicBoolean cut = new AtomicBoolean();

  CuttingProxy(URI upstream, long cutAfter) throws IOException {
    this.upstream = upstream;
    this.cutAfter = cutAfter;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "cutting-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Bytes forwarded upstream in all. */
  long sent() {
    return sent.get();
  }

  boolean didCut() {
    return cut.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket up = new Socket(upstream.getHost(), upstream.getPort());
        pump(client, up, true);
        pump(up, client, false);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upward) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 << 10];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  if (upward && sent.addAndGet(n) > cutAfter && cut.compareAndSet(false, true)) {
                    from.setSoLinger(true, 0); // a reset, not a clean close
                    to.setSoLinger(true, 0);
                    from.close();
                    to.close();
                    return;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException closed) {
                // the other direction closed the sockets
              } finally {
                try {
                  from.close();
                  to.close();
                } catch (IOException ignored) {
                  // already closed
                }
              }
            },
            "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
