package stacklab.storm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.generated.ClusterSummary;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.Nimbus;
import org.apache.storm.generated.NimbusSummary;
import org.apache.storm.generated.NotAliveException;
import org.apache.storm.generated.SupervisorSummary;
import org.apache.storm.generated.TopologyPageInfo;
import org.apache.storm.generated.TopologyStats;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.generated.WorkerSummary;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;
import stacklab.workloads.Json;

/**
 * storm-admin: the cluster's state as JSON, from the leader Nimbus (found through nimbus.seeds in
 * storm.yaml). The figures are those the Storm UI's REST API serves (/api/v1/cluster/summary,
 * /api/v1/topology/:id), read with the same thrift calls.
 */
public final class Admin {
  private static final String USAGE = "usage: storm-admin cluster | topology NAME | kill NAME [--wait SECONDS]";
  /** Storm's window name for counts since the topology started. */
  public static final String ALL_TIME = ":all-time";

  private Admin() {}

  public static void main(String[] args) {
    if (args.length == 0 || !List.of("cluster", "topology", "kill").contains(args[0]) || !wellFormed(args)) {
      System.err.println(USAGE);
      System.exit(2);
    }
    try (NimbusClient nimbus = NimbusClient.Builder.withConf(Utils.readStormConfig()).build()) {
      Nimbus.Iface client = nimbus.getClient();
      switch (args[0]) {
        case "cluster" -> System.out.println(Json.of(cluster(client)));
        case "topology" -> System.out.println(Json.of(topology(client, args[1])));
        default -> {
          int wait = args.length == 4 ? Integer.parseInt(args[3]) : 0;
          kill(client, args[1], wait, 60_000L + wait * 1000L);
          System.out.println(Json.of(Map.of("killed", args[1])));
        }
      }
    } catch (NotAliveException e) {
      System.err.println("storm-admin: no topology named " + args[1] + " is running");
      System.exit(1);
    } catch (NumberFormatException e) {
      System.err.println(USAGE);
      System.exit(2);
    } catch (Exception e) {
      System.err.println("storm-admin: " + e);
      System.exit(1);
    }
  }

  /** Nimbus hosts (which one leads), supervisors (slots used of all) and topologies. */
  public static Map<String, Object> cluster(Nimbus.Iface client) throws Exception {
    ClusterSummary summary = client.getClusterInfo();
    List<Object> nimbuses = new ArrayList<>();
    for (NimbusSummary nimbus : summary.get_nimbuses()) {
      nimbuses.add(ordered("host", nimbus.get_host(), "port", nimbus.get_port(), "leader", nimbus.is_isLeader(),
          "version", nimbus.get_version()));
    }
    List<Object> supervisors = new ArrayList<>();
    for (SupervisorSummary supervisor : summary.get_supervisors()) {
      supervisors.add(ordered("host", supervisor.get_host(), "id", supervisor.get_supervisor_id(),
          "slots", supervisor.get_num_workers(), "used_slots", supervisor.get_num_used_workers()));
    }
    List<Object> topologies = new ArrayList<>();
    for (TopologySummary topology : summary.get_topologies()) {
      topologies.add(ordered("name", topology.get_name(), "id", topology.get_id(), "status", topology.get_status(),
          "workers", topology.get_num_workers(), "uptime_secs", topology.get_uptime_secs()));
    }
    return ordered("nimbuses", nimbuses, "supervisors", supervisors, "topologies", topologies);
  }

  /** One topology's state and its all-time counts: acked, failed and emitted tuples, and the
   *  spouts' mean complete latency (ms, 0 until a tuple tree completes). */
  public static Map<String, Object> topology(Nimbus.Iface client, String name) throws Exception {
    String id = client.getTopologySummaryByName(name).get_id();
    TopologyPageInfo page = client.getTopologyPageInfo(id, ALL_TIME, false);
    List<Object> workers = new ArrayList<>();
    // Null until the scheduler has assigned the topology's workers.
    for (WorkerSummary worker : page.get_workers() == null ? List.<WorkerSummary>of() : page.get_workers()) {
      workers.add(ordered("host", worker.get_host(), "port", worker.get_port(), "uptime_secs", worker.get_uptime_secs()));
    }
    TopologyStats stats = page.is_set_topology_stats() ? page.get_topology_stats() : new TopologyStats();
    return ordered("name", page.get_name(), "id", id, "status", page.get_status(),
        "workers", workers, "replication", page.get_replication_count(),
        "acked", count(stats.get_window_to_acked()), "failed", count(stats.get_window_to_failed()),
        "emitted", count(stats.get_window_to_emitted()),
        "complete_latency_ms", stats.get_window_to_complete_latencies_ms() == null ? 0.0
            : stats.get_window_to_complete_latencies_ms().getOrDefault(ALL_TIME, 0.0));
  }

  static long count(Map<String, Long> byWindow) {
    return byWindow == null ? 0L : byWindow.getOrDefault(ALL_TIME, 0L);
  }

  /** cluster alone; topology NAME; kill NAME, optionally --wait SECONDS (nothing else: a misspelled
   *  option must not pass for a kill without it). */
  static boolean wellFormed(String[] args) {
    return switch (args[0]) {
      case "cluster" -> args.length == 1;
      case "topology" -> args.length == 2;
      default -> args.length == 2 || (args.length == 4 && args[2].equals("--wait"));
    };
  }

  /** Kills a topology (its spouts deactivated for waitSecs first) and waits until Nimbus no
   *  longer lists it. */
  public static void kill(Nimbus.Iface client, String name, int waitSecs, long timeoutMillis) throws Exception {
    KillOptions options = new KillOptions();
    options.set_wait_secs(waitSecs);
    client.killTopologyWithOpts(name, options);
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (isListed(client, name)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("topology " + name + " is still listed " + timeoutMillis / 1000 + " s after its kill");
      }
      Thread.sleep(500);
    }
  }

  public static boolean isListed(Nimbus.Iface client, String name) throws Exception {
    for (TopologySummary topology : client.getClusterInfo().get_topologies()) {
      if (topology.get_name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** A map keeping the order of its keys (key, value, key, value, ...). */
  public static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

}
