package stacklab.osv.check;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * The exit guard's check on a real cluster (molecule/osv runs it): a job of 100 numbers in 10 tasks
 * whose first task calls System.exit(3) on its first attempt. On agents the exit ends only that
 * executor, the cluster manager asks the agent for another, and the task's retry completes the job.
 * Prints one JSON line: the count, the executors added (id -> host) and those removed (id -> reason).
 */
public final class ExitingTask {
  private ExitingTask() {}

  public static void main(String[] args) {
    Map<String, String> added = new ConcurrentHashMap<>();
    Map<String, String> removed = new ConcurrentHashMap<>();
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("stacklab-osv-exit-check"))) {
      sc.sc().addSparkListener(new SparkListener() {
        @Override
        public void onExecutorAdded(SparkListenerExecutorAdded event) {
          added.put(event.executorId(), event.executorInfo().executorHost());
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
          removed.put(event.executorId(), event.reason());
        }
      });
      List<Integer> numbers = IntStream.rangeClosed(1, 100).boxed().collect(Collectors.toList());
      long count = sc.parallelize(numbers, 10).map(ExitingTask::exitOnFirstAttemptOfOne).count();
      System.out.println("{\"count\": " + count + ", \"added\": " + json(added) + ", \"removed\": " + json(removed) + "}");
    }
    System.exit(0);
  }

  private static int exitOnFirstAttemptOfOne(int number) {
    if (number == 1 && TaskContext.get().attemptNumber() == 0) {
      System.exit(3);
    }
    return number;
  }

  private static String json(Map<String, String> map) {
    return new TreeMap<>(map).entrySet().stream()
        .map(entry -> quote(entry.getKey()) + ": " + quote(entry.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ") + '"';
  }
}
