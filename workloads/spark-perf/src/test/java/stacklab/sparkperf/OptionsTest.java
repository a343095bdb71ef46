package stacklab.sparkperf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptionsTest {
  private static String problem(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage();
  }

  @Test
  void bothSpellingsOfAnOptionAndTheDefaultsAreRead() {
    Options options = Options.parse(new String[] {"scheduling-throughput", "--num-tasks", "500", "--num-trials=3"});
    assertEquals(500, options.integer("num-tasks"));
    assertEquals(3, options.integer("num-trials"));
    assertEquals(1, options.integer("num-jobs"));
    Options kv = Options.parse(new String[] {"aggregate-by-key", "--hash-records"});
    assertEquals(true, kv.all().get("hash-records"));
    assertEquals("memory", kv.all().get("persistent-type"));
  }

  @Test
  void aBadInvocationNamesItsOption() {
    assertEquals("unknown test 'sort': choose one of " + Options.testNames(), problem("sort"));
    assertEquals("test scheduling-throughput has no option --num-records", problem("scheduling-throughput", "--num-records", "1"));
    assertEquals("option --num-tasks must be an integer, got 'many'", problem("scheduling-throughput", "--num-tasks", "many"));
    assertEquals("option --num-tasks must be at least 1, got 0", problem("scheduling-throughput", "--num-tasks", "0"));
    assertEquals("option --num-tasks needs a value", problem("scheduling-throughput", "--num-tasks"));
    assertEquals("--ignored-trials must be smaller than --num-trials", problem("count", "--num-trials", "2", "--ignored-trials", "2"));
    assertEquals("--persistent-type hdfs needs --storage-location", problem("count", "--persistent-type", "hdfs"));
    assertEquals("can't pack 20000 unique keys into 3 digits (--key-length)", problem("count", "--key-length", "3"));
  }
}
