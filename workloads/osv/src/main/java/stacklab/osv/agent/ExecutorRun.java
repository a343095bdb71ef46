package stacklab.osv.agent;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One executor, running in a thread group of its own in the agent's JVM, and its end: when its main
 * thread returns or anything in its group exits, a reaper stops what it left behind, interrupts its
 * threads and hands the slot back.
 */
final class ExecutorRun {
  private static final Logger LOG = System.getLogger(ExecutorRun.class.getName());
  /** How long an ended executor's threads get to finish, before and after they are interrupted. */
  static final Duration GRACE = Duration.ofSeconds(5);

  final Launch launch;
  final Instant started = Instant.now();
  private final ThreadGroup group;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  private ExecutorRun(Launch launch) {
    this.launch = launch;
    this.group = new ThreadGroup("executor-" + launch.app() + "-" + launch.executorId());
  }

  /** Starts the executor; {@code ended} runs on the reaper once its threads are gone (or the grace ran out). */
  static ExecutorRun start(Launch launch, String host, ExecutorProgram program, ExitGuard guard, Consumer<ExecutorRun> ended) {
    ExecutorRun run = new ExecutorRun(launch);
    guard.guard(run.group, run.exit::complete);
    String[] args = launch.executorArguments(host).toArray(String[]::new);
    Thread main = new Thread(run.group, () -> run.runMain(program, args), "executor-" + launch.executorId() + "-main");
    Thread reaper = new Thread(() -> {
      run.reap(main, program);
      if (run.group.activeCount() == 0) {
        guard.release(run.group); // else its leftovers stay guarded: they may still call exit
      }
      ended.accept(run);
    }, "executor-" + launch.executorId() + "-reaper");
    main.start();
    reaper.start();
    LOG.log(Level.INFO, "executor {0} of {1} started ({2} cores, driver {3})",
        launch.executorId(), launch.app(), launch.cores(), launch.driverUrl());
    return run;
  }

  /** Asks the executor to end (its driver killed it): the reaper stops it as if it had exited. */
  void kill() {
    exit.complete(143);
  }

  private void runMain(ExecutorProgram program, String[] args) {
    try {
      program.run(args);
      exit.complete(0);
    } catch (SecurityException e) {
      if (!exit.isDone()) {
        failed(e);
      }
      // else: the executor exited through the guard, which has recorded its status
    } catch (Throwable e) {
      failed(e);
    }
  }

  private void failed(Throwable e) {
    LOG.log(Level.WARNING, "executor " + launch.executorId() + " of " + launch.app() + " failed", e);
    exit.complete(1);
  }

  /**
   * After the exit: stop what the executor left in the JVM, give its threads time to finish (a
   * normal stop ends them all within a second or two), then interrupt the rest (an exit from a
   * task leaves the executor's own pools running) and give them that time once more.
   */
  private void reap(Thread main, ExecutorProgram program) {
    int status = exit.join();
    program.stop();
    try {
      if (!ended(main)) {
        group.interrupt();
        ended(main);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (group.activeCount() > 0) {
      // An exit from a task leaves the executor's own pools (heartbeater, task workers) idle and
      // deaf to interrupts. They stay, named here; Thread.stop would end them, but Spark's
      // uncaught-exception handler answers ThreadDeath with System.exit, at any later moment.
      Thread[] left = new Thread[group.activeCount() + 8];
      int count = group.enumerate(left);
      LOG.log(Level.INFO, "executor {0} left {1} idle threads: {2}",
          launch.executorId(), count, Arrays.toString(Arrays.copyOf(left, count)));
    }
    LOG.log(Level.INFO, "executor {0} of {1} ended with status {2} after {3} s",
        launch.executorId(), launch.app(), status, Duration.between(started, Instant.now()).toSeconds());
  }

  /** Whether the executor's threads all end within the grace period. */
  private boolean ended(Thread main) throws InterruptedException {
    Instant deadline = Instant.now().plus(GRACE);
    main.join(GRACE.toMillis());
    while (group.activeCount() > 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    return group.activeCount() == 0;
  }
}
