package stacklab.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextGeneratorTest {
  private static List<String> lines(long seed, int part, boolean labelled, long bytes) {
    List<String> lines = new ArrayList<>();
    TextGenerator.part(seed, part, labelled, bytes).forEach(lines::add);
    return lines;
  }

  @Test
  void aPartIsTheSameForTheSameSeedAndDiffersAcrossPartsAndSeeds() {
    assertEquals(lines(1, 0, false, 10_000), lines(1, 0, false, 10_000));
    assertNotEquals(lines(1, 0, false, 10_000), lines(1, 1, false, 10_000));
    assertNotEquals(lines(1, 0, false, 10_000), lines(2, 0, false, 10_000));
  }

  @Test
  void aPartStopsOnceItHasTheBytesAskedFor() {
    List<String> lines = lines(1, 0, false, 50_000);
    long bytes = lines.stream().mapToLong(line -> line.length() + 1).sum();
    assertTrue(bytes >= 50_000 && bytes - (lines.get(lines.size() - 1).length() + 1) < 50_000);
  }

  @Test
  void labelledLinesCarryOneOfTheClassesThenEightToTwentyThreeWords() {
    for (String line : lines(3, 2, true, 20_000)) {
      String[] fields = line.split("\t");
      assertTrue(fields[0].matches("c[0-" + (TextGenerator.CLASSES - 1) + "]"), line);
      int words = fields[1].split(" ").length;
      assertTrue(words >= 8 && words <= 23, line);
    }
  }

  @Test
  void aFewWordsDominateAsInNaturalText() {
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    for (String line : lines(1, 0, false, 1 << 20)) {
      for (String word : line.split(" ")) {
        counts.merge(word, 1, Integer::sum);
      }
    }
    List<Integer> sorted = new ArrayList<>(counts.values());
    sorted.sort(java.util.Collections.reverseOrder());
    assertTrue(sorted.get(0) > 20 * sorted.get(sorted.size() / 2), "Zipf-shaped word counts");
  }
}
