package stacklab.sparkperf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * spark-perf's command-line options ({@code --name value} or {@code --name=value}), checked before a
 * SparkContext exists: a bad invocation fails with a message naming the option, and no application
 * is registered with the cluster.
 */
final class Options {
  static final String SCHEDULING_THROUGHPUT = "scheduling-throughput";
  /** The tests of spark-perf's spark-tests, by their spark-perf names. */
  static final List<String> KV_TESTS = List.of(
      "aggregate-by-key", "aggregate-by-key-int", "aggregate-by-key-naive",
      "sort-by-key", "sort-by-key-int", "count", "count-with-filter");

  private static final Set<String> FLAGS = Set.of("hash-records", "wait-for-exit");
  private static final Set<String> PERSISTENCE = Set.of("memory", "disk", "hdfs");

  /** Integer options with their defaults (spark-perf requires them all; these defaults suit a small cluster). */
  private static Map<String, Integer> integerDefaults(String test) {
    Map<String, Integer> defaults = new LinkedHashMap<>();
    defaults.put("num-trials", 10);
    defaults.put("inter-trial-wait", 3);
    defaults.put("random-seed", 5);
    // Not a spark-perf option: trials left out of the summary line (spark-perf's IGNORED_TRIALS).
    defaults.put("ignored-trials", 0);
    if (test.equals(SCHEDULING_THROUGHPUT)) {
      defaults.put("num-tasks", 10000);
      defaults.put("num-jobs", 1);
      defaults.put("closure-size", 0);
    } else {
      defaults.put("num-records", 200000);
      defaults.put("unique-keys", 20000);
      defaults.put("key-length", 10);
      defaults.put("unique-values", 1000);
      defaults.put("value-length", 10);
      defaults.put("num-partitions", 10);
      defaults.put("reduce-tasks", 10);
    }
    return defaults;
  }

  /** Smallest allowed value of each integer option. */
  private static int minimum(String name) {
    return switch (name) {
      case "inter-trial-wait", "random-seed", "closure-size", "ignored-trials" -> 0;
      default -> 1;
    };
  }

  final String test;
  final Map<String, Integer> integers = new LinkedHashMap<>();
  final Map<String, String> strings = new LinkedHashMap<>();
  final Map<String, Boolean> flags = new LinkedHashMap<>();

  private Options(String test) {
    this.test = test;
  }

  static List<String> testNames() {
    List<String> names = new ArrayList<>();
    names.add(SCHEDULING_THROUGHPUT);
    names.addAll(KV_TESTS);
    return names;
  }

  static Options parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("no test named: the first argument is one of " + testNames());
    }
    Options options = new Options(args[0]);
    if (!testNames().contains(options.test)) {
      throw new IllegalArgumentException("unknown test '" + options.test + "': choose one of " + testNames());
    }
    Map<String, Integer> defaults = integerDefaults(options.test);
    options.integers.putAll(defaults);
    boolean kv = !options.test.equals(SCHEDULING_THROUGHPUT);
    if (kv) {
      options.strings.put("persistent-type", "memory");
      options.strings.put("storage-location", "");
      options.flags.put("hash-records", false);
      options.flags.put("wait-for-exit", false);
    }
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "': options look like --name value");
      }
      String name = arg.substring(2);
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      if (kv && FLAGS.contains(name)) {
        options.flags.put(name, value == null || Boolean.parseBoolean(value));
        continue;
      }
      if (!defaults.containsKey(name) && !options.strings.containsKey(name)) {
        throw new IllegalArgumentException("test " + options.test + " has no option --" + name);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option --" + name + " needs a value");
        }
        value = args[++i];
      }
      if (options.strings.containsKey(name)) {
        options.strings.put(name, value);
      } else {
        options.integers.put(name, parseInteger(name, value));
      }
    }
    options.check();
    return options;
  }

  private static int parseInteger(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option --" + name + " must be an integer, got '" + value + "'");
    }
  }

  private void check() {
    for (Map.Entry<String, Integer> option : integers.entrySet()) {
      if (option.getValue() < minimum(option.getKey())) {
        throw new IllegalArgumentException("option --" + option.getKey() + " must be at least "
            + minimum(option.getKey()) + ", got " + option.getValue());
      }
    }
    if (integers.get("ignored-trials") >= integers.get("num-trials")) {
      throw new IllegalArgumentException("--ignored-trials must be smaller than --num-trials");
    }
    if (test.equals(SCHEDULING_THROUGHPUT)) {
      return;
    }
    String persistence = strings.get("persistent-type");
    if (!PERSISTENCE.contains(persistence)) {
      throw new IllegalArgumentException("option --persistent-type must be one of " + PERSISTENCE + ", got '" + persistence + "'");
    }
    if (persistence.equals("hdfs") && strings.get("storage-location").isEmpty()) {
      throw new IllegalArgumentException("--persistent-type hdfs needs --storage-location");
    }
    // As spark-perf: the padded numbers must fit their lengths.
    if (String.valueOf(integers.get("unique-keys")).length() > integers.get("key-length")) {
      throw new IllegalArgumentException("can't pack " + integers.get("unique-keys") + " unique keys into "
          + integers.get("key-length") + " digits (--key-length)");
    }
    if (String.valueOf(integers.get("unique-values")).length() > integers.get("value-length")) {
      throw new IllegalArgumentException("can't pack " + integers.get("unique-values") + " unique values into "
          + integers.get("value-length") + " digits (--value-length)");
    }
  }

  int integer(String name) {
    return integers.get(name);
  }

  /** Every option as it was run, for labels and the summary line. */
  Map<String, Object> all() {
    Map<String, Object> all = new LinkedHashMap<>(integers);
    all.putAll(strings);
    all.putAll(flags);
    return all;
  }
}
