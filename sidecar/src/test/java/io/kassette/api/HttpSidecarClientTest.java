package io.kassette.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the client makes of an answer that is not the agent's: another service on the port (or a
 * proxy) that echoes the request, headers included, must not put the bearer token into the
 * exception message, which reaches CR statuses and Events.
 */
class HttpSidecarClientTest {

  @Test
  void anEchoedBearerTokenNeverReachesTheMessageAndTheBodyIsBounded() throws Exception {
    HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    echo.createContext(
        "/",
        ex -> {
          String body =
              "502 from a proxy: you sent Authorization: "
                  + ex.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + "x".repeat(5000);
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(502, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    echo.start();
    try {
      SidecarClient client =
          HttpSidecarClient.builder(
                  URI.create("http://127.0.0.1:" + echo.getAddress().getPort()),
                  () -> "s3cr3t-token-value")
              .build();
      SidecarException e = catchThrowableOfType(SidecarException.class, client::node);
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage())
          .doesNotContain("s3cr3t-token-value")
          .contains("Bearer <redacted>")
          .hasSizeLessThan(400);
    } finally {
      echo.stop(0);
    }
  }
}
