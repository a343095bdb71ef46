package stacklab.osv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestTest {
  @Test
  void aRequestReadsBackAsWrittenWithItsFieldsInOrder() {
    Request launch = Request.of("LAUNCH", "memory_mb", "512", "app", "app-1", "driver", "spark://CoarseGrainedScheduler@10.0.0.1:7078");
    assertEquals("LAUNCH app=app-1 driver=spark://CoarseGrainedScheduler@10.0.0.1:7078 memory_mb=512", launch.format());
    assertEquals(launch, Request.parse(launch.format()));
    assertEquals(512, launch.positive("memory_mb"));
  }

  @Test
  void anErrorCarriesItsReasonAsOneValue() {
    Request error = Request.error("this agent offers 1 cores");
    assertFalse(error.ok());
    assertEquals("ERR reason=this_agent_offers_1_cores", error.format());
    assertTrue(Request.parse("OK state=idle").ok());
  }

  @Test
  void malformedLinesAndFieldsAreNamed() {
    assertEquals("'app' is not a key=value field", assertThrows(IllegalArgumentException.class, () -> Request.parse("KILL app")).getMessage());
    assertEquals("a command is an upper-case word, got 'launch'", assertThrows(IllegalArgumentException.class, () -> Request.parse("launch")).getMessage());
    assertEquals("KILL needs the field executor", assertThrows(IllegalArgumentException.class, () -> Request.parse("KILL app=a").field("executor")).getMessage());
    assertEquals("cores must be a positive integer, got '0'", assertThrows(IllegalArgumentException.class, () -> Request.parse("LAUNCH cores=0").positive("cores")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Request.of("STATUS", "app", "two words"));
  }
}
