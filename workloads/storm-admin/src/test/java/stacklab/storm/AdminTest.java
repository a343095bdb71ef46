package stacklab.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminTest {
  @Test
  void onlyTheDocumentedInvocationsAreWellFormed() {
    assertTrue(Admin.wellFormed(new String[] {"cluster"}));
    assertTrue(Admin.wellFormed(new String[] {"topology", "wc"}));
    assertTrue(Admin.wellFormed(new String[] {"kill", "wc"}));
    assertTrue(Admin.wellFormed(new String[] {"kill", "wc", "--wait", "5"}));
    assertFalse(Admin.wellFormed(new String[] {"cluster", "extra"}));
    // A misspelled option must not pass for a kill without it.
    assertFalse(Admin.wellFormed(new String[] {"kill", "wc", "--wiat", "5"}));
    assertFalse(Admin.wellFormed(new String[] {"kill", "wc", "--wait"}));
  }

  @Test
  void countsAreTheAllTimeWindowsAndZeroWithoutOne() {
    Map<String, Long> windows = new HashMap<>();
    windows.put("600", 7L);
    windows.put(Admin.ALL_TIME, 42L);
    assertEquals(42L, Admin.count(windows));
    assertEquals(0L, Admin.count(null));
    assertEquals(0L, Admin.count(Map.of("600", 7L)));
  }

  @Test
  void orderedMapsKeepTheirKeysOrder() {
    assertEquals("[b, a]", Admin.ordered("b", 1, "a", 2).keySet().toString());
  }
}
