package stacklab.osv.agent;

import org.apache.spark.SparkEnv;
import org.apache.spark.executor.CoarseGrainedExecutorBackend;

/** Spark's own executor, exactly as a standalone Worker would start it in a process of its own. */
final class SparkExecutorProgram implements ExecutorProgram {
  @Override
  public void run(String[] args) {
    CoarseGrainedExecutorBackend.main(args);
  }

  /**
   * An executor ended by a task's exit never stops its SparkEnv (the RPC server, block manager and
   * their threads): stop it here, or the next executor in this JVM would find its ports and memory
   * taken. SparkEnv is per JVM; the agent runs one executor at a time, so this is the ended one's.
   */
  @Override
  public void stop() {
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      env.stop();
    }
  }
}
