package stacklab.sparkperf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void theClassicLineHasTheMedianPopulationStdDevMinFirstAndLast() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("num-tasks", 100);
    options.put("num-trials", 4);
    assertEquals("scheduling-throughput, --num-tasks=100 --num-trials=4, 2.500, 1.118, 1.000, 4.000, 1.000",
        Summary.line("scheduling-throughput", options, List.of(4.0, 2.0, 3.0, 1.0)));
    assertEquals("count, , 2.000, 0.000, 2.000, 2.000, 2.000", Summary.line("count", Map.of(), List.of(2.0)));
  }
}
