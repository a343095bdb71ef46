package stacklab.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void samplesAreWrittenAsTheAnalysisReadsThem() {
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("metric", "job_time");
    sample.put("value", 1795303938.708);
    sample.put("trial", 3);
    sample.put("warmup", false);
    sample.put("labels", Map.of("test", "count"));
    assertEquals("{\"metric\": \"job_time\", \"value\": 1795303938.708, \"trial\": 3, \"warmup\": false,"
        + " \"labels\": {\"test\": \"count\"}}", Json.of(sample));
  }

  @Test
  void nonFiniteNumbersAndNullsBecomeNullAndStringsAreEscaped() {
    assertEquals("[null, null, 0.5]", Json.of(Arrays.asList(Double.NaN, null, 0.5)));
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.of("a\"b\\c\n\u0001"));
    assertEquals("[]", Json.of(List.of()));
  }
}
