package stacklab.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import javax.servlet.FilterChain;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlyWebFilterTest {
  /** What the filter did with one request: passed it on, or the error and headers it sent. */
  private static final class Outcome {
    boolean passed;
    Integer error;
    final Map<String, String> headers = new HashMap<>();
  }

  private static Outcome filter(String method) throws Exception {
    Outcome outcome = new Outcome();
    HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
        ReadOnlyWebFilterTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
        (proxy, called, args) -> called.getName().equals("getMethod") ? method : null);
    HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
        ReadOnlyWebFilterTest.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
        (proxy, called, args) -> {
          switch (called.getName()) {
            case "setHeader" -> outcome.headers.put((String) args[0], (String) args[1]);
            case "sendError" -> outcome.error = (Integer) args[0];
            default -> { }
          }
          return null;
        });
    FilterChain chain = (req, resp) -> outcome.passed = true;
    new ReadOnlyWebFilter().doFilter(request, response, chain);
    return outcome;
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "HEAD"})
  void readsPassThrough(String method) throws Exception {
    Outcome outcome = filter(method);
    assertEquals(true, outcome.passed);
    assertNull(outcome.error);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
  void everythingElseIsRefusedWith405(String method) throws Exception {
    Outcome outcome = filter(method);
    assertEquals(false, outcome.passed);
    assertEquals(HttpServletResponse.SC_METHOD_NOT_ALLOWED, outcome.error);
    assertEquals("GET, HEAD", outcome.headers.get("Allow"));
  }

  @Test
  void theFilterNeedsNoConfiguration() {
    new ReadOnlyWebFilter().init(null);
  }
}
