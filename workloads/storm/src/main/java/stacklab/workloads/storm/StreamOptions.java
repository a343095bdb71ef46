package stacklab.workloads.storm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import stacklab.workloads.Options;

/** stacklab-storm's command line: {@code wordcount [--rate N] [--duration-s N] [--workers N] ...}. */
public final class StreamOptions {
  public static final String USAGE = "wordcount [--rate TUPLES_PER_S] [--duration-s N] [--workers N] [--random-seed S]"
      + " [--sample-interval-s N] [--detach] [--replace]";
  private static final Set<String> VALUED =
      Set.of("--rate", "--duration-s", "--workers", "--random-seed", "--sample-interval-s");
  private static final Set<String> FLAGS = Set.of("--detach", "--replace");

  public final String workload;
  /** Sentences a second that the spouts emit together. */
  public final int rate;
  /** Seconds of measurement once the first tuple tree completed; the topology is killed after. */
  public final int durationS;
  public final int workers;
  public final long seed;
  public final int sampleIntervalS;
  /** Submit, wait for the first completed tuple tree, and leave the topology running. */
  public final boolean detach;
  /** Kill a running topology of the same name first (bench.yml: one an interrupted cell left), instead
   *  of refusing to submit. */
  public final boolean replace;

  private StreamOptions(String workload, Map<String, String> values) {
    this.workload = workload;
    this.rate = Options.positive(values.getOrDefault("rate", "200"), "--rate");
    this.durationS = Options.positive(values.getOrDefault("duration-s", "60"), "--duration-s");
    this.workers = Options.positive(values.getOrDefault("workers", "1"), "--workers");
    this.seed = Long.parseLong(values.getOrDefault("random-seed", "1"));
    this.sampleIntervalS = Options.positive(values.getOrDefault("sample-interval-s", "5"), "--sample-interval-s");
    this.detach = values.containsKey("detach");
    this.replace = values.containsKey("replace");
  }

  /** Throws IllegalArgumentException naming the problem. */
  public static StreamOptions parse(String[] args) {
    if (args.length == 0 || !args[0].equals("wordcount")) {
      throw new IllegalArgumentException("usage: stacklab-storm " + USAGE);
    }
    return new StreamOptions(args[0], Options.values(args, FLAGS, VALUED, "stacklab-storm " + USAGE));
  }

  /** The topology's name: bench.yml's tenant name (STACKLAB_APP_NAME), in the characters Storm
   *  accepts in a name. */
  public String topologyName() {
    String name = System.getenv().getOrDefault("STACKLAB_APP_NAME", "stacklab-" + workload);
    return name.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** The labels every sample of this run carries. */
  public Map<String, Object> labels() {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("test", workload);
    labels.put("framework", "storm");
    labels.put("rate", rate);
    labels.put("workers", workers);
    labels.put("random_seed", seed);
    return labels;
  }
}
