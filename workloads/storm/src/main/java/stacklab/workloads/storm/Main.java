package stacklab.workloads.storm;

import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.Nimbus;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.generated.SupervisorSummary;
import org.apache.storm.thrift.TApplicationException;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;
import stacklab.storm.Admin;
import stacklab.workloads.Report;

/**
 * The interference paper's streaming tenant: submits the WordCount topology, waits for its first
 * completed tuple tree (startup_time), then samples throughput (acked sentences a second) and
 * complete latency from Nimbus every interval for the run's duration, and kills the topology, also
 * when this process is stopped (SIGTERM). Standard output: samples, then the results line.
 * Exit status 2 for bad input (nothing submitted), 1 for a failure on the way.
 */
public final class Main {
  private static final long STARTUP_TIMEOUT_MS = 300_000L;
  private static final long SLOTS_FREED_TIMEOUT_MS = 60_000L;

  private Main() {}

  public static void main(String[] args) throws Exception {
    StreamOptions options;
    try {
      options = StreamOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("stacklab-storm: " + e.getMessage());
      System.exit(2);
      return;
    }
    String name = options.topologyName();
    try (NimbusClient nimbus = NimbusClient.Builder.withConf(Utils.readStormConfig()).build()) {
      Nimbus.Iface client = nimbus.getClient();
      if (options.replace && Admin.isListed(client, name)) {
        replace(client, options, name);
      }
      String refusal = refusal(client, options, name);
      if (refusal != null) {
        System.err.println("stacklab-storm: " + refusal + "; nothing was submitted");
        System.exit(2);
      }
      run(client, options, name);
    }
  }

  /** Kills the topology of this name that an interrupted run left (its process was SIGKILLed, so
   *  its own kill never ran), and waits a while for Nimbus to count its slots as free again. */
  private static void replace(Nimbus.Iface client, StreamOptions options, String name) throws Exception {
    Admin.kill(client, name, 0, 120_000L);
    System.err.println("stacklab-storm: killed topology " + name + ", left running by an earlier run");
    long deadline = System.currentTimeMillis() + SLOTS_FREED_TIMEOUT_MS;
    while (Slots.of(client).free() < options.workers && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
    }
  }

  /** The cluster's worker slots, from one reading of Nimbus's cluster summary. */
  private record Slots(int total, int free, int supervisors) {
    static Slots of(Nimbus.Iface client) throws Exception {
      int total = 0;
      int free = 0;
      var supervisors = client.getClusterInfo().get_supervisors();
      for (SupervisorSummary supervisor : supervisors) {
        total += supervisor.get_num_workers();
        free += supervisor.get_num_workers() - supervisor.get_num_used_workers();
      }
      return new Slots(total, free, supervisors.size());
    }
  }

  /** Why the cluster cannot take this topology now, or null. */
  static String refusal(Nimbus.Iface client, StreamOptions options, String name) throws Exception {
    if (Admin.isListed(client, name)) {
      return "a topology named " + name + " is already running (storm-admin kill " + name + ")";
    }
    Slots slots = Slots.of(client);
    if (options.workers > slots.free()) {
      return "--workers " + options.workers + " is more than the " + slots.free() + " free worker slots of the cluster ("
          + slots.total() + " slots on " + slots.supervisors() + " supervisors)";
    }
    return null;
  }

  static StormTopology topology(StreamOptions options) {
    TopologyBuilder builder = new TopologyBuilder();
    builder.setSpout("sentences", new SentenceSpout(options.seed, options.rate), options.workers);
    builder.setBolt("split", new SplitBolt(), 2 * options.workers).shuffleGrouping("sentences");
    builder.setBolt("count", new CountBolt(), options.workers).fieldsGrouping("split", new Fields("word"));
    return builder.createTopology();
  }

  /** The topology's stats while it starts. Nimbus answers "Internal error processing
   *  getTopologySummaryByName" while it still removes a killed topology of the same name (the
   *  leftover replaced before submission: seen once in CI, 4 December 2026), so that answer is
   *  asked again until the deadline. */
  private static Map<String, Object> topologyOnceAnswered(Nimbus.Iface client, String name, long deadline)
      throws Exception {
    while (true) {
      try {
        return Admin.topology(client, name);
      } catch (TApplicationException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        System.err.println("stacklab-storm: Nimbus is not ready to describe " + name + " (" + e.getMessage() + "); asking again");
        Thread.sleep(250);
      }
    }
  }

  private static void run(Nimbus.Iface client, StreamOptions options, String name) throws Exception {
    Config conf = new Config();
    conf.setNumWorkers(options.workers);
    conf.setNumAckers(options.workers);
    // Bounds the sentences in flight, so that a slow cluster shows as latency, not as memory.
    conf.setMaxSpoutPending(Math.max(1000, options.rate));
    // Executors report their counts to Nimbus every second (Storm's default is 60 s), so that each
    // sample interval sees fresh counts.
    conf.put(Config.EXECUTOR_METRICS_FREQUENCY_SECS, 1);
    Report report = new Report(options.labels());
    long submitted = System.nanoTime();
    StormSubmitter.submitTopology(name, conf, topology(options));
    Thread killer = new Thread(() -> killQuietly(name));
    if (!options.detach) {
      Runtime.getRuntime().addShutdownHook(killer);
    }
    long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
    Map<String, Object> stats = topologyOnceAnswered(client, name, deadline);
    while ((long) stats.get("acked") == 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("topology " + name + " acked nothing " + STARTUP_TIMEOUT_MS / 1000 + " s after submission");
      }
      Thread.sleep(250);
      stats = topologyOnceAnswered(client, name, deadline);
    }
    report.seconds("startup_time", submitted);
    if (options.detach) {
      report.finish();
      return;
    }
    long first = System.nanoTime();
    long firstAcked = (long) stats.get("acked");
    long end = first + options.durationS * 1_000_000_000L;
    long previous = first;
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(options.sampleIntervalS * 1000L, Math.max(1L, (end - System.nanoTime()) / 1_000_000L)));
      Map<String, Object> now = Admin.topology(client, name);
      long at = System.nanoTime();
      sampleInterval(report, stats, now, (at - previous) / 1e9);
      stats = now;
      previous = at;
    }
    double seconds = (previous - first) / 1e9;
    report.sample("mean_throughput", round((((long) stats.get("acked")) - firstAcked) / seconds), "tuples/s");
    report.sample("complete_latency_mean", round((double) stats.get("complete_latency_ms")), "ms");
    report.sample("acked_total", (long) stats.get("acked"), "tuples");
    report.sample("failed_total", (long) stats.get("failed"), "tuples");
    // The hook stays until the kill has succeeded: a failed kill still leaves it to try on exit.
    Admin.kill(client, name, 0, 120_000L);
    Runtime.getRuntime().removeShutdownHook(killer);
    report.finish();
  }

  /** Throughput and complete latency of the tuple trees completed between two readings: Storm
   *  keeps all-time counts and an all-time mean latency, so the interval's mean latency is
   *  (L2 A2 - L1 A1) / (A2 - A1). Storm samples its statistics (topology.stats.sample.rate), so
   *  both are estimates. */
  private static void sampleInterval(Report report, Map<String, Object> before, Map<String, Object> after, double seconds) {
    long ackedBefore = (long) before.get("acked");
    long ackedAfter = (long) after.get("acked");
    long acked = ackedAfter - ackedBefore;
    report.sample("throughput", round(acked / seconds), "tuples/s");
    if (acked > 0) {
      double latency = ((double) after.get("complete_latency_ms") * ackedAfter
          - (double) before.get("complete_latency_ms") * ackedBefore) / acked;
      report.sample("complete_latency", round(Math.max(0.0, latency)), "ms");
    }
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  private static void killQuietly(String name) {
    try (NimbusClient nimbus = NimbusClient.Builder.withConf(Utils.readStormConfig()).build()) {
      if (Admin.isListed(nimbus.getClient(), name)) {
        Admin.kill(nimbus.getClient(), name, 0, 60_000L);
        System.err.println("stacklab-storm: stopped: killed topology " + name);
      }
    } catch (Exception e) {
      System.err.println("stacklab-storm: stopped, but could not kill topology " + name + ": " + e);
    }
  }
}
