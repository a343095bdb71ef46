package stacklab.osv.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends one signed request to an agent and reads its reply (see {@link AgentProtocol}). */
public final class AgentClient {
  private final Signer signer;
  private final int timeoutMs;

  public AgentClient(Signer signer, int timeoutMs) {
    this.signer = signer;
    this.timeoutMs = timeoutMs;
  }

  public Request send(HostPort agent, Request request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(agent.host(), agent.port()), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
      String nonce = AgentProtocol.nonceOf(in.readLine(), agent);
      String line = request.format();
      out.write(signer.sign(nonce, line) + ' ' + line + '\n');
      out.flush();
      String reply = in.readLine();
      if (reply == null) {
        throw new IOException(agent + " closed the connection without a reply");
      }
      return Request.parse(reply);
    }
  }
}
