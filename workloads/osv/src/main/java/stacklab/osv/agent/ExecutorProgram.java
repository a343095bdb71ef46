package stacklab.osv.agent;

/** What runs as an executor in the agent's JVM: Spark's executor, or a stand-in in the unit tests. */
interface ExecutorProgram {
  /** Runs the executor to its end, on the calling thread (the first thread of its group). */
  void run(String[] args) throws Exception;

  /** Releases what the executor holds in the JVM when it ends without cleaning up after itself. */
  void stop();
}
