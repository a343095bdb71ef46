package stacklab.workloads;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Standard output of a workload run, in the shape bench.yml reads (stacklab.runner.cells): one JSON
 * sample a line as each figure is known, then one {@code results: {...}} line when the run is
 * complete. Logs go to standard error.
 */
public final class Report {
  private final Map<String, Object> labels;
  private final Map<String, Object> figures = new LinkedHashMap<>();

  public Report(Map<String, Object> labels) {
    this.labels = labels;
  }

  public void sample(String metric, double value, String unit) {
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("metric", metric);
    sample.put("value", value);
    sample.put("unit", unit);
    sample.put("timestamp", System.currentTimeMillis() / 1000.0);
    sample.put("labels", labels);
    figures.put(metric, value);
    System.out.println(Json.of(sample));
    System.out.flush();
  }

  public void seconds(String metric, long startNanos) {
    sample(metric, Math.round((System.nanoTime() - startNanos) / 1e6) / 1e3, "s");
  }

  /** The line that says the run finished: without it, bench.yml records nothing of the cell. */
  public void finish() {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("testName", labels.get("test"));
    results.put("options", labels);
    results.put("results", figures);
    System.out.println("results: " + Json.of(results));
    System.out.flush();
  }
}
