package stacklab.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void defaultsApplyAndNaiveBayesReadsLabelledText() {
    Options wordcount = Options.parse(new String[] {"wordcount"});
    assertEquals(64, wordcount.inputMb);
    assertEquals(1, wordcount.seed);
    assertFalse(wordcount.labelled);
    assertTrue(Options.parse(new String[] {"naive-bayes"}).labelled);
  }

  @Test
  void valuedOptionsAndFlagsAreRead() {
    Options options = Options.parse(new String[] {"grep", "--input-mb", "8", "--random-seed", "7", "--pattern", "x+", "--labelled"});
    assertEquals(8, options.inputMb);
    assertEquals(7, options.seed);
    assertEquals("x+", options.pattern);
    assertTrue(options.labelled);
    assertEquals(8, options.labels("hadoop").get("input_mb"));
    assertEquals("hadoop", options.labels("hadoop").get("framework"));
  }

  @Test
  void problemsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"sort"}))
        .getMessage().startsWith("usage: "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"grep", "--size", "1"}))
        .getMessage().contains("unknown or incomplete option --size"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"grep", "--input-mb"}))
        .getMessage().contains("--input-mb"));
    assertEquals("--input-mb must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> Options.positive("0", "--input-mb")).getMessage());
    assertEquals("--input-mb must be a whole number, got x",
        assertThrows(IllegalArgumentException.class, () -> Options.positive("x", "--input-mb")).getMessage());
  }
}
