package stacklab.sparkperf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** spark-perf's classic result line: "test, --opt=value ..., median, std dev, min, first, last". */
final class Summary {
  private Summary() {}

  static String line(String test, Map<String, Object> options, List<Double> times) {
    List<Double> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    double mean = times.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    // Population standard deviation, as spark-perf computes it.
    double variance = times.stream().mapToDouble(t -> (t - mean) * (t - mean)).sum() / n;
    StringJoiner flags = new StringJoiner(" ");
    options.forEach((name, value) -> flags.add("--" + name + "=" + value));
    return String.format(Locale.ROOT, "%s, %s, %.3f, %.3f, %.3f, %.3f, %.3f", test, flags, median,
        Math.sqrt(variance), sorted.get(0), times.get(0), times.get(n - 1));
  }
}
