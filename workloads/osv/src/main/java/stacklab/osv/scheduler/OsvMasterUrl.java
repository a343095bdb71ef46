package stacklab.osv.scheduler;

import java.util.ArrayList;
import java.util.List;
import stacklab.osv.protocol.AgentProtocol;
import stacklab.osv.protocol.HostPort;

/**
 * {@code spark+osv://host[:port],host[:port],...}: the executor agents an application may use.
 *
 * <p>Why not {@code osv://}: spark-submit accepts only masters that are {@code yarn} or start with
 * spark, mesos, k8s or local. One starting with "spark" goes down spark-submit's client-mode path
 * (the driver runs where it is submitted), and SparkContext, which matches {@code spark://} exactly,
 * hands any other URL to the cluster manager that claims it: this one.
 */
public record OsvMasterUrl(List<HostPort> agents) {
  public static final String SCHEME = "spark+osv://";

  public static boolean claims(String masterUrl) {
    return masterUrl.startsWith(SCHEME);
  }

  public static OsvMasterUrl parse(String masterUrl) {
    if (!claims(masterUrl)) {
      throw new IllegalArgumentException("'" + masterUrl + "' is not a " + SCHEME + " URL");
    }
    List<HostPort> agents = new ArrayList<>();
    for (String agent : masterUrl.substring(SCHEME.length()).split(",", -1)) {
      if (agent.isBlank()) {
        throw new IllegalArgumentException("'" + masterUrl + "' names an empty agent: give host[:port],host[:port],...");
      }
      HostPort address = HostPort.parse(agent.strip(), AgentProtocol.DEFAULT_PORT);
      if (agents.contains(address)) {
        throw new IllegalArgumentException("'" + masterUrl + "' names the agent " + address + " twice");
      }
      agents.add(address);
    }
    return new OsvMasterUrl(List.copyOf(agents));
  }
}
