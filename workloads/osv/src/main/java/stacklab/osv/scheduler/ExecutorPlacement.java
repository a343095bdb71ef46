package stacklab.osv.scheduler;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import stacklab.osv.protocol.HostPort;
import stacklab.osv.protocol.Request;

/**
 * Keeps one executor of an application on each agent it may use, within spark.cores.max, the way
 * a standalone Master keeps an application's executors on its workers: each round launches an
 * executor on every agent without one, and frees an agent whose executor was lost (its driver
 * removed it: a task exited it, it died) or never registered.
 */
final class ExecutorPlacement {
  /** Sends one request to an agent (AgentClient, or a stand-in in the unit tests). */
  interface Agents {
    Request send(HostPort agent, Request request) throws IOException;
  }

  /** What an application asks of each agent. */
  record Ask(String app, String driverUrl, int cores, int memoryMb, int maxCores, Duration registrationTimeout) {}

  private static final Logger LOG = System.getLogger(ExecutorPlacement.class.getName());

  private final List<HostPort> agentAddresses;
  private final Agents agents;
  private final Ask ask;
  private final Clock clock;
  private final Map<HostPort, Placed> placed = new HashMap<>();
  private final Map<HostPort, String> lastProblem = new HashMap<>();
  private int lastExecutorId;

  private static final class Placed {
    final String executorId;
    final Instant launched;
    boolean registered;

    Placed(String executorId, Instant launched) {
      this.executorId = executorId;
      this.launched = launched;
    }
  }

  ExecutorPlacement(List<HostPort> agentAddresses, Agents agents, Ask ask, Clock clock) {
    this.agentAddresses = List.copyOf(agentAddresses);
    this.agents = agents;
    this.ask = ask;
    this.clock = clock;
  }

  /** The cores the application gets when every agent it may use runs its executor. */
  int expectedCores() {
    return Math.min(ask.maxCores() / ask.cores(), agentAddresses.size()) * ask.cores();
  }

  /** One round; {@code active} tells which executor ids the driver has registered and not lost. */
  synchronized void reconcile(Predicate<String> active) {
    for (HostPort agent : agentAddresses) {
      Placed executor = placed.get(agent);
      if (executor != null && stillPlaced(agent, executor, active)) {
        continue;
      }
      if ((placed.size() + 1) * ask.cores() > ask.maxCores()) {
        return;
      }
      launchOn(agent);
    }
  }

  /** Executor ids placed now, by agent (for the logs and the tests). */
  synchronized Map<HostPort, String> placements() {
    Map<HostPort, String> ids = new HashMap<>();
    placed.forEach((agent, executor) -> ids.put(agent, executor.executorId));
    return ids;
  }

  private boolean stillPlaced(HostPort agent, Placed executor, Predicate<String> active) {
    if (active.test(executor.executorId)) {
      executor.registered = true;
      return true;
    }
    if (executor.registered) {
      LOG.log(Level.INFO, "executor {0} on {1} is gone: launching another there", executor.executorId, agent);
    } else if (!runsOn(agent, executor)) {
      problem(agent, "ended an executor before it registered (the agent's log says why)");
    } else if (clock.instant().isAfter(executor.launched.plus(ask.registrationTimeout()))) {
      problem(agent, "started an executor that did not register within "
          + ask.registrationTimeout().toSeconds() + " s: killing it");
      send(agent, Request.of("KILL", "app", ask.app(), "executor", executor.executorId));
    } else {
      return true; // still starting
    }
    placed.remove(agent);
    return false;
  }

  /** Whether the agent still runs this executor (unreachable: assume so until the timeout). */
  private boolean runsOn(HostPort agent, Placed executor) {
    Request status = send(agent, Request.of("STATUS"));
    return status == null
        || (ask.app().equals(status.fields().get("app")) && executor.executorId.equals(status.fields().get("executor")));
  }

  private void launchOn(HostPort agent) {
    String executorId = Integer.toString(lastExecutorId + 1);
    Request reply = send(agent, Request.of("LAUNCH", "app", ask.app(), "executor", executorId, "driver", ask.driverUrl(),
        "cores", Integer.toString(ask.cores()), "memory_mb", Integer.toString(ask.memoryMb())));
    if (reply != null && reply.ok()) {
      lastExecutorId++;
      placed.put(agent, new Placed(executorId, clock.instant()));
      lastProblem.remove(agent);
      LOG.log(Level.INFO, "executor {0} launched on {1}", executorId, agent);
    } else if (reply != null && !"busy".equals(reply.fields().get("reason"))) {
      problem(agent, "refused an executor: " + reply.fields().getOrDefault("reason", reply.format()));
    }
    // busy: the agent still ends an earlier executor, or runs another application's; next round
  }

  private Request send(HostPort agent, Request request) {
    try {
      return agents.send(agent, request);
    } catch (IOException e) {
      problem(agent, "can't be reached: " + e.getMessage());
      return null;
    }
  }

  /** Each problem is logged when it starts, not every round. */
  private void problem(HostPort agent, String text) {
    if (!Objects.equals(lastProblem.put(agent, text), text)) {
      LOG.log(Level.WARNING, "executor agent {0} {1}", agent, text);
    }
  }
}
