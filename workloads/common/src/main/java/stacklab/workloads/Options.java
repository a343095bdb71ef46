package stacklab.workloads;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The batch workloads' command line: {@code <workload> [--input-mb N] [--random-seed S] ...}. */
public final class Options {
  public static final String USAGE = "<generate|wordcount|grep|naive-bayes> [--input-mb N] [--random-seed S]"
      + " [--labelled] [--pattern REGEX] [--keep-output PATH]";
  private static final Set<String> WORKLOADS = Set.of("generate", "wordcount", "grep", "naive-bayes");
  private static final Set<String> VALUED = Set.of("--input-mb", "--random-seed", "--pattern", "--keep-output");
  private static final Set<String> FLAGS = Set.of("--labelled");

  public final String workload;
  public final int inputMb;
  public final long seed;
  public final boolean labelled;
  // Grep's pattern: words starting with "ka" (about 1 in 40 words of the vocabulary).
  public final String pattern;
  public final String keepOutput;

  private Options(String workload, Map<String, String> values) {
    this.workload = workload;
    this.inputMb = positive(values.getOrDefault("input-mb", "64"), "--input-mb");
    this.seed = Long.parseLong(values.getOrDefault("random-seed", "1"));
    this.labelled = values.containsKey("labelled") || workload.equals("naive-bayes");
    this.pattern = values.getOrDefault("pattern", "\\bka[a-z]*");
    this.keepOutput = values.get("keep-output");
  }

  /** A whole number of at least 1 given as option {@code name}; IllegalArgumentException naming it otherwise. */
  public static int positive(String text, String name) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got " + text);
    }
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
    return value;
  }

  /** Throws IllegalArgumentException naming the problem. */
  public static Options parse(String[] args) {
    if (args.length == 0 || !WORKLOADS.contains(args[0])) {
      throw new IllegalArgumentException("usage: " + USAGE);
    }
    return new Options(args[0], values(args, FLAGS, VALUED, USAGE));
  }

  /** The options after a command's workload name, keyed without their dashes: a flag maps to "true",
   *  a valued option to the argument after it. IllegalArgumentException naming the first unknown or
   *  incomplete option, with {@code usage}. */
  public static Map<String, String> values(String[] args, Set<String> flags, Set<String> valued, String usage) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      if (flags.contains(name)) {
        values.put(name.substring(2), "true");
      } else if (valued.contains(name) && i + 1 < args.length) {
        values.put(name.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("unknown or incomplete option " + name + "; usage: " + usage);
      }
    }
    return values;
  }

  /** bench.yml names each tenant's application after the tenant (allocation timelines tell them apart). */
  public String appName() {
    return System.getenv().getOrDefault("STACKLAB_APP_NAME", "stacklab " + workload);
  }

  /** The labels every sample of this run carries. */
  public Map<String, Object> labels(String framework) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("test", workload);
    labels.put("framework", framework);
    labels.put("input_mb", inputMb);
    labels.put("random_seed", seed);
    return labels;
  }
}
