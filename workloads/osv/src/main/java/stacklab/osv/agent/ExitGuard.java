package stacklab.osv.agent;

import java.security.Permission;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Turns an executor's {@code System.exit} (or {@code Runtime.halt}) into the end of that executor
 * alone: the call is refused with a SecurityException in the calling thread, and the executor's
 * owner is told, so that it can tear the executor down. Spark's executor exits the JVM when its
 * driver goes, when it is told to stop and when a task kills it; on OSv the JVM is the whole VM.
 *
 * <p>This is the paper's approach (executors as threads of the worker JVM, behind a
 * SecurityManager), on Java 17 with {@code -Djava.security.manager=allow}. It guards nothing else:
 * every other permission is granted, except that a guarded thread may not replace the guard.
 */
final class ExitGuard extends SecurityManager {
  private static final Permission REPLACE_GUARD = new RuntimePermission("setSecurityManager");
  private final Map<ThreadGroup, IntConsumer> guarded = new ConcurrentHashMap<>();

  static ExitGuard install() {
    ExitGuard guard = new ExitGuard();
    try {
      System.setSecurityManager(guard);
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException(
          "the executor agent needs its exit guard: start its JVM with -Djava.security.manager=allow", e);
    }
    return guard;
  }

  /** Exits from threads of {@code group} (and of groups below it) call {@code onExit} instead. */
  void guard(ThreadGroup group, IntConsumer onExit) {
    guarded.put(group, onExit);
  }

  void release(ThreadGroup group) {
    guarded.remove(group);
  }

  @Override
  public void checkExit(int status) {
    IntConsumer onExit = ownerOfCurrentThread();
    if (onExit != null) {
      onExit.accept(status);
      throw new SecurityException("System.exit(" + status + ") ends this executor, not the agent's JVM");
    }
  }

  @Override
  public void checkPermission(Permission permission) {
    if (REPLACE_GUARD.equals(permission) && ownerOfCurrentThread() != null) {
      throw new SecurityException("an executor may not replace the agent's exit guard");
    }
  }

  @Override
  public void checkPermission(Permission permission, Object context) {
    checkPermission(permission);
  }

  private IntConsumer ownerOfCurrentThread() {
    for (ThreadGroup group = Thread.currentThread().getThreadGroup(); group != null; group = group.getParent()) {
      IntConsumer onExit = guarded.get(group);
      if (onExit != null) {
        return onExit;
      }
    }
    return null;
  }
}
