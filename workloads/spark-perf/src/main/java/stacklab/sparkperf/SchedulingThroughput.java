package stacklab.sparkperf;

import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * spark-perf's scheduling-throughput: num-jobs jobs of num-tasks null tasks each,
 * {@code sc.makeRDD(1 to numTasks, numTasks).mapPartitions(f).count()}, where f carries closure-size
 * random (incompressible) bytes so that task serialization costs what the option says.
 */
final class SchedulingThroughput implements PerfTest {
  private final JavaSparkContext sc;
  private final int numTasks;
  private final int numJobs;
  private final PassThrough mapFunction;
  private final List<Integer> elements;

  SchedulingThroughput(JavaSparkContext sc, Options options) {
    this.sc = sc;
    this.numTasks = options.integer("num-tasks");
    this.numJobs = options.integer("num-jobs");
    byte[] closureData = new byte[options.integer("closure-size")];
    new Random(options.integer("random-seed")).nextBytes(closureData);
    this.mapFunction = new PassThrough(closureData);
    this.elements = IntStream.rangeClosed(1, numTasks).boxed().collect(Collectors.toList());
  }

  @Override
  public void prepare() {}

  @Override
  public void runOnce() {
    for (int job = 0; job < numJobs; job++) {
      sc.parallelize(elements, numTasks).mapPartitions(mapFunction).count();
    }
  }

  /** Returns its partition unchanged; its field is serialized with every task. */
  static final class PassThrough implements FlatMapFunction<Iterator<Integer>, Integer> {
    private static final long serialVersionUID = 1L;
    private final byte[] closureData;

    PassThrough(byte[] closureData) {
      this.closureData = closureData;
    }

    @Override
    public Iterator<Integer> call(Iterator<Integer> partition) {
      if (closureData.length < 0) {
        throw new IllegalStateException("unreachable: keeps the field referenced");
      }
      return partition;
    }
  }
}
