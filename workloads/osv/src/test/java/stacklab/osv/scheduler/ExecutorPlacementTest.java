package stacklab.osv.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import stacklab.osv.protocol.HostPort;
import stacklab.osv.protocol.Request;

class ExecutorPlacementTest {
  private static final HostPort A = new HostPort("a", 7610);
  private static final HostPort B = new HostPort("b", 7610);
  private static final HostPort C = new HostPort("c", 7610);

  /** Agents that answer as the real one does: one executor each, or busy. */
  private final Map<HostPort, Request> running = new HashMap<>();
  private final Set<HostPort> full = new HashSet<>();
  private final List<String> sent = new ArrayList<>();
  private final Set<String> active = new HashSet<>();
  private Instant now = Instant.parse("2026-12-07T00:00:00Z");

  private Request answer(HostPort agent, Request request) throws IOException {
    sent.add(agent.host() + " " + request.command());
    if (agent.host().equals("down")) {
      throw new IOException("Connection refused");
    }
    switch (request.command()) {
      case "LAUNCH" -> {
        if (full.contains(agent)) {
          return Request.error("this agent offers 1 cores and 512 MB");
        }
        if (running.containsKey(agent)) {
          return Request.of("ERR", "reason", "busy");
        }
        running.put(agent, request);
        return Request.of("OK", "state", "running");
      }
      case "KILL" -> {
        running.remove(agent);
        return Request.of("OK", "state", "idle");
      }
      default -> {
        Request launched = running.get(agent);
        return launched == null ? Request.of("OK", "state", "idle")
            : Request.of("OK", "state", "running", "app", launched.field("app"), "executor", launched.field("executor"));
      }
    }
  }

  private ExecutorPlacement placement(int maxCores, HostPort... agents) {
    ExecutorPlacement.Ask ask = new ExecutorPlacement.Ask("app-1", "spark://CoarseGrainedScheduler@d:1", 1, 512, maxCores, Duration.ofSeconds(120));
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now; }
    };
    return new ExecutorPlacement(List.of(agents), this::answer, ask, clock);
  }

  private void round(ExecutorPlacement placement) {
    placement.reconcile(active::contains);
  }

  @Test
  void eachAgentGetsOneExecutorWithinTheApplicationsCores() {
    ExecutorPlacement placement = placement(2, A, B, C);
    round(placement);
    assertEquals(Map.of(A, "1", B, "2"), placement.placements());
    assertEquals(2, placement.expectedCores());
    active.addAll(List.of("1", "2"));
    sent.clear();
    round(placement);
    assertEquals(List.of(), sent, "registered executors need no request");
  }

  @Test
  void aLostExecutorIsReplacedOnItsAgentOnceTheAgentIsFree() {
    ExecutorPlacement placement = placement(Integer.MAX_VALUE, A);
    round(placement);
    active.add("1");
    round(placement);
    active.remove("1"); // a task exited it: the driver removed it, the agent still ends it
    round(placement);
    assertEquals(Map.of(), placement.placements(), "the agent answered busy");
    running.remove(A);
    round(placement);
    assertEquals(Map.of(A, "2"), placement.placements());
  }

  @Test
  void anExecutorThatEndsBeforeRegisteringOrNeverRegistersIsAskedAgain() {
    ExecutorPlacement placement = placement(Integer.MAX_VALUE, A, B);
    round(placement);
    running.remove(A); // ended (e.g. failed to reach its driver)
    now = now.plusSeconds(60);
    round(placement);
    assertEquals(Map.of(A, "3", B, "2"), placement.placements());
    now = now.plusSeconds(121);
    sent.clear();
    round(placement);
    assertEquals(List.of("a STATUS", "a KILL", "a LAUNCH", "b STATUS", "b KILL", "b LAUNCH"), sent);
    assertEquals(Map.of(A, "4", B, "5"), placement.placements());
  }

  @Test
  void refusingAndUnreachableAgentsGetNoExecutor() {
    full.add(A);
    HostPort down = new HostPort("down", 7610);
    ExecutorPlacement placement = placement(Integer.MAX_VALUE, A, down, B);
    round(placement);
    assertEquals(Map.of(B, "1"), placement.placements());
  }
}
