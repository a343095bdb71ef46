package stacklab.sparkperf;

/** One spark-perf test: its input is prepared once, then each trial runs the measured work once. */
interface PerfTest {
  void prepare();

  void runOnce();
}
