package stacklab.osv.protocol;

/** An agent's address. */
public record HostPort(String host, int port) {
  public HostPort {
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + host + ":" + port + "' is not a host:port");
    }
  }

  public static HostPort parse(String text, int defaultPort) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return new HostPort(text, defaultPort);
    }
    try {
      return new HostPort(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a host:port", e);
    }
  }

  @Override
  public String toString() {
    return host + ':' + port;
  }
}
