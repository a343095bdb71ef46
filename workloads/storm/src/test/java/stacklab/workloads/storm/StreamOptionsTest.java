package stacklab.workloads.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamOptionsTest {
  @Test
  void defaultsAndOptionsAreRead() {
    StreamOptions defaults = StreamOptions.parse(new String[] {"wordcount"});
    assertEquals(200, defaults.rate);
    assertEquals(60, defaults.durationS);
    assertEquals(1, defaults.workers);
    assertFalse(defaults.detach || defaults.replace);
    StreamOptions options = StreamOptions.parse(
        new String[] {"wordcount", "--rate", "50", "--workers", "3", "--detach", "--replace"});
    assertEquals(50, options.rate);
    assertTrue(options.detach && options.replace);
    assertEquals(3, options.labels().get("workers"));
    assertEquals("storm", options.labels().get("framework"));
  }

  @Test
  void problemsAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> StreamOptions.parse(new String[] {"grep"}));
    assertEquals("--rate must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> StreamOptions.parse(new String[] {"wordcount", "--rate", "0"}))
            .getMessage());
  }
}
