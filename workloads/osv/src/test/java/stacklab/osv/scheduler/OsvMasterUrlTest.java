package stacklab.osv.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import stacklab.osv.protocol.HostPort;

class OsvMasterUrlTest {
  private static String problem(String url) {
    return assertThrows(IllegalArgumentException.class, () -> OsvMasterUrl.parse(url)).getMessage();
  }

  @Test
  void agentsAreListedWithTheDefaultPort() {
    assertEquals(List.of(new HostPort("10.0.0.5", 7610), new HostPort("osv2", 7700)),
        OsvMasterUrl.parse("spark+osv://10.0.0.5,osv2:7700").agents());
    assertTrue(new OsvClusterManager().canCreate("spark+osv://h"));
    assertFalse(new OsvClusterManager().canCreate("spark://h:7077"));
  }

  @Test
  void aBadUrlIsNamed() {
    assertEquals("'osv://h' is not a spark+osv:// URL", problem("osv://h"));
    assertEquals("'spark+osv://a,,b' names an empty agent: give host[:port],host[:port],...", problem("spark+osv://a,,b"));
    assertEquals("'spark+osv://a:1,a:1' names the agent a:1 twice", problem("spark+osv://a:1,a:1"));
    assertEquals("'a:port' is not a host:port", problem("spark+osv://a:port"));
    assertEquals("'a:0' is not a host:port", problem("spark+osv://a:0"));
  }
}
