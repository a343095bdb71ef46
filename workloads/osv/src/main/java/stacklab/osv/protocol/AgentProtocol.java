package stacklab.osv.protocol;

import java.io.IOException;

/**
 * The executor agent's protocol: one request per TCP connection, in lines of UTF-8.
 *
 * <pre>
 *   agent  → client   STACKLAB-OSV-AGENT 1 &lt;nonce: 32 hex digits, new for each connection&gt;
 *   client → agent    &lt;HMAC-SHA256(secret, nonce + ' ' + request), hex&gt; &lt;request&gt;
 *   agent  → client   OK &lt;fields&gt;   or   ERR reason=&lt;why&gt;
 * </pre>
 *
 * Requests: {@code STATUS}; {@code LAUNCH app= executor= driver= cores= memory_mb=}; {@code KILL
 * app= executor=}. An unsigned or wrongly signed request gets {@code ERR reason=unauthenticated}
 * and nothing else: the agent answers nobody who lacks the cluster's secret.
 */
public final class AgentProtocol {
  public static final String GREETING = "STACKLAB-OSV-AGENT 1";
  public static final int DEFAULT_PORT = 7610;

  private AgentProtocol() {}

  public static String greeting(String nonce) {
    return GREETING + ' ' + nonce;
  }

  static String nonceOf(String greeting, HostPort agent) throws IOException {
    if (greeting == null || !greeting.startsWith(GREETING + ' ')) {
      throw new IOException(agent + " is not a stacklab executor agent (it said '" + greeting + "')");
    }
    return greeting.substring(GREETING.length() + 1).strip();
  }
}
