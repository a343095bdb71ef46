package stacklab.sparkperf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import stacklab.workloads.Json;

/**
 * spark-submit entry point: {@code TestRunner <test> [--option value ...]}, with spark-perf's test
 * names and options. Prints on standard output, and nothing else there:
 * <ul>
 *   <li>one JSON sample per trial as soon as it ends (metric job_time, seconds measured in the driver,
 *       labels test, trial and every option), in the shape of stacklab's samples.jsonl;</li>
 *   <li>spark-perf's results line, {@code results: {"testName": ..., "options": ..., "results": [{"time": ...}]}};</li>
 *   <li>spark-perf's classic summary line (median, std dev, min, first, last).</li>
 * </ul>
 * Exit status 2 for a bad invocation, before any application is registered.
 */
public final class TestRunner {
  private TestRunner() {}

  public static void main(String[] args) throws InterruptedException, IOException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("spark-perf: " + e.getMessage());
      System.exit(2);
      return;
    }
    // bench.yml names each tenant's application after the tenant (allocation timelines tell them apart).
    String name = System.getenv().getOrDefault("STACKLAB_APP_NAME", "spark-perf " + options.test);
    SparkConf conf = new SparkConf().setAppName(name);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      PerfTest test = options.test.equals(Options.SCHEDULING_THROUGHPUT)
          ? new SchedulingThroughput(sc, options) : new KeyValueTest(sc, options);
      test.prepare();
      List<Double> times = runTrials(test, options, sc);
      System.out.println("results: " + Json.of(results(options, times)));
      List<Double> counted = times.subList(options.integer("ignored-trials"), times.size());
      System.out.println(Summary.line(options.test, options.all(), counted));
      System.out.flush();
      if (options.flags.getOrDefault("wait-for-exit", false)) {
        System.err.println("Test is finished. To exit JVM and continue, press Enter:");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      }
    }
  }

  private static List<Double> runTrials(PerfTest test, Options options, JavaSparkContext sc) throws InterruptedException {
    List<Double> times = new ArrayList<>();
    int trials = options.integer("num-trials");
    for (int trial = 1; trial <= trials; trial++) {
      long start = System.nanoTime();
      test.runOnce();
      double seconds = (System.nanoTime() - start) / 1e9;
      times.add(seconds);
      System.out.println(Json.of(sample(options, sc, trial, seconds)));
      System.out.flush();
      System.gc();
      if (trial < trials) {
        Thread.sleep(options.integer("inter-trial-wait") * 1000L);
      }
    }
    return times;
  }

  private static Map<String, Object> sample(Options options, JavaSparkContext sc, int trial, double seconds) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("test", options.test);
    labels.put("trial", trial);
    options.all().forEach((name, value) -> labels.put(name.replace('-', '_'), value));
    labels.put("spark_version", sc.version());
    labels.put("app_id", sc.sc().applicationId());
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("metric", "job_time");
    sample.put("value", seconds);
    sample.put("unit", "s");
    sample.put("timestamp", System.currentTimeMillis() / 1000.0);
    sample.put("labels", labels);
    return sample;
  }

  private static Map<String, Object> results(Options options, List<Double> times) {
    List<Map<String, Object>> trials = new ArrayList<>();
    for (double time : times) {
      trials.add(Map.of("time", time));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("testName", options.test);
    document.put("options", options.all());
    document.put("results", trials);
    return document;
  }
}
