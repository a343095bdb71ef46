package stacklab.osv.agent;

import java.util.concurrent.atomic.AtomicInteger;
import stacklab.osv.protocol.Request;

/**
 * The agent's single executor. One at a time, as the paper's workers ran them: Spark keeps state
 * per JVM (SparkEnv, its metrics and shutdown hooks) that two executors in one JVM would share.
 */
final class ExecutorSlot {
  private final AgentConfig config;
  private final ExecutorProgram program;
  private final ExitGuard guard;
  private final AtomicInteger launched = new AtomicInteger();
  private ExecutorRun current;

  ExecutorSlot(AgentConfig config, ExecutorProgram program, ExitGuard guard) {
    this.config = config;
    this.program = program;
    this.guard = guard;
  }

  synchronized Request launch(Launch launch) {
    if (launch.cores() > config.cores() || launch.memoryMb() > config.memoryMb()) {
      return Request.error("this agent offers " + config.cores() + " cores and " + config.memoryMb()
          + " MB, the executor asks " + launch.cores() + " cores and " + launch.memoryMb() + " MB");
    }
    if (current != null) {
      return Request.of("ERR", "reason", "busy", "app", current.launch.app(), "executor", current.launch.executorId());
    }
    current = ExecutorRun.start(launch, config.host(), program, guard, this::ended);
    launched.incrementAndGet();
    return status();
  }

  synchronized Request kill(String app, String executorId) {
    if (current == null || !current.launch.app().equals(app) || !current.launch.executorId().equals(executorId)) {
      return Request.error("no executor " + executorId + " of " + app + " runs here");
    }
    current.kill();
    return status();
  }

  synchronized Request status() {
    String count = Integer.toString(launched.get());
    String cores = Integer.toString(config.cores());
    String memory = Integer.toString(config.memoryMb());
    if (current == null) {
      return Request.of("OK", "state", "idle", "launched", count, "cores", cores, "memory_mb", memory);
    }
    return Request.of("OK", "state", "running", "launched", count, "cores", cores, "memory_mb", memory,
        "app", current.launch.app(), "executor", current.launch.executorId());
  }

  private synchronized void ended(ExecutorRun run) {
    if (current == run) {
      current = null;
    }
  }
}
