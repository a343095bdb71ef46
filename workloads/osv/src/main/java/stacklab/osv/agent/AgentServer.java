package stacklab.osv.agent;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import stacklab.osv.protocol.AgentProtocol;
import stacklab.osv.protocol.Request;
import stacklab.osv.protocol.Signer;

/** Answers drivers' signed requests (see {@link AgentProtocol}) on the cluster address. */
final class AgentServer implements Closeable {
  private static final Logger LOG = System.getLogger(AgentServer.class.getName());
  /** A client gets this long to send its request: a silent connection can't hold the agent. */
  private static final int REQUEST_TIMEOUT_MS = 10_000;

  private final Signer signer;
  private final ExecutorSlot slot;
  private final ServerSocket socket;

  AgentServer(AgentConfig config, Signer signer, ExecutorSlot slot) throws IOException {
    this.signer = signer;
    this.slot = slot;
    this.socket = new ServerSocket(config.port(), 16, InetAddress.getByName(config.host()));
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Serves until closed, one short-lived thread per connection. */
  void serve() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread handler = new Thread(() -> answer(client), "agent-request");
        handler.setDaemon(true);
        handler.start();
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        LOG.log(Level.WARNING, "accepting a connection failed", e);
      }
    }
  }

  private void answer(Socket client) {
    try (client) {
      client.setSoTimeout(REQUEST_TIMEOUT_MS);
      BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8);
      String nonce = Signer.nonce();
      out.write(AgentProtocol.greeting(nonce) + '\n');
      out.flush();
      out.write(reply(nonce, in.readLine(), client).format() + '\n');
      out.flush();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "a connection ended early: {0}", e.getMessage());
    }
  }

  private Request reply(String nonce, String line, Socket client) {
    int space = line == null ? -1 : line.indexOf(' ');
    if (space < 0 || !signer.verifies(nonce, line.substring(space + 1), line.substring(0, space))) {
      LOG.log(Level.WARNING, "refused an unauthenticated request from {0}", client.getRemoteSocketAddress());
      return Request.error("unauthenticated");
    }
    try {
      Request request = Request.parse(line.substring(space + 1));
      return switch (request.command()) {
        case "STATUS" -> slot.status();
        case "LAUNCH" -> slot.launch(Launch.of(request));
        case "KILL" -> slot.kill(request.field("app"), request.field("executor"));
        default -> Request.error("unknown command " + request.command() + " (STATUS, LAUNCH or KILL)");
      };
    } catch (IllegalArgumentException e) {
      return Request.error(e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
