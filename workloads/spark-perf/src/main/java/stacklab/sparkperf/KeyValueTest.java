package stacklab.sparkperf;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/** spark-perf's tests on a (key, value) dataset: the input is made once, each trial runs one action on it. */
final class KeyValueTest implements PerfTest {
  private final JavaSparkContext sc;
  private final Options options;
  private final int reduceTasks;
  private JavaPairRDD<String, String> strings;
  private JavaPairRDD<Integer, Integer> ints;

  KeyValueTest(JavaSparkContext sc, Options options) {
    this.sc = sc;
    this.options = options;
    this.reduceTasks = options.integer("reduce-tasks");
  }

  private boolean usesInts() {
    return options.test.endsWith("-int");
  }

  @Override
  public void prepare() {
    if (usesInts()) {
      ints = DataGenerator.intDataSet(sc, options);
    } else {
      strings = DataGenerator.stringDataSet(sc, options);
    }
  }

  /** A value as a number: padded digits parse; a hashed value (hash-records) counts by its hash. */
  static int asInt(String text) {
    return text.chars().allMatch(Character::isDigit) ? Integer.parseInt(text) : text.hashCode();
  }

  @Override
  public void runOnce() {
    switch (options.test) {
      case "aggregate-by-key" ->
          strings.mapToPair(kv -> new Tuple2<>(kv._1(), asInt(kv._2()))).reduceByKey(Integer::sum, reduceTasks).count();
      case "aggregate-by-key-int" -> ints.reduceByKey(Integer::sum, reduceTasks).count();
      case "aggregate-by-key-naive" ->
          strings.mapToPair(kv -> new Tuple2<>(kv._1(), asInt(kv._2()))).groupByKey().map(kv -> {
            int sum = 0;
            for (int value : kv._2()) {
              sum += value;
            }
            return sum;
          }).count();
      case "sort-by-key" -> strings.sortByKey(true, reduceTasks).count();
      case "sort-by-key-int" -> ints.sortByKey(true, reduceTasks).count();
      case "count" -> strings.count();
      case "count-with-filter" -> strings.filter(kv -> asInt(kv._1()) % 2 == 1).count();
      default -> throw new IllegalArgumentException("unknown test " + options.test);
    }
  }
}
