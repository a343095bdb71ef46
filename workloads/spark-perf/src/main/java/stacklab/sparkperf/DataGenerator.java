package stacklab.sparkperf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/** spark-perf's key-value input: the same records for the same options and seed. */
final class DataGenerator {
  private DataGenerator() {}

  /** (key, value) ints, generated per partition with spark-perf's per-partition seed. */
  private static JavaRDD<Tuple2<Integer, Integer>> ints(JavaSparkContext sc, Options options) {
    int numPartitions = options.integer("num-partitions");
    int recordsPerPartition = (int) (options.integer("num-records") / (double) numPartitions);
    int uniqueKeys = options.integer("unique-keys");
    int uniqueValues = options.integer("unique-values");
    int randomSeed = options.integer("random-seed");
    return sc.parallelize(Collections.<Integer>emptyList(), numPartitions).mapPartitionsWithIndex(
        (Integer index, Iterator<Integer> ignored) -> {
          // As spark-perf: identical data on every partition is avoided by a per-partition seed.
          Random random = new Random(Integer.toString(randomSeed ^ index).hashCode());
          List<Tuple2<Integer, Integer>> records = new ArrayList<>(recordsPerPartition);
          for (int i = 0; i < recordsPerPartition; i++) {
            int key = random.nextInt(uniqueKeys);
            int value = random.nextInt(uniqueValues);
            records.add(new Tuple2<>(key, value));
          }
          return records.iterator();
        }, false);
  }

  static String padded(int number, int length) {
    return String.format("%0" + length + "d", number);
  }

  /** hash-records: a hex digest of the number instead of the padded number, of the same length. */
  static String hashed(int number, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      String hex = HexFormat.of().formatHex(digest.digest(Integer.toString(number).getBytes(StandardCharsets.US_ASCII)));
      StringBuilder out = new StringBuilder(hex);
      while (out.length() < length) {
        out.append(hex);
      }
      return out.substring(0, length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static JavaPairRDD<Integer, Integer> intDataSet(JavaSparkContext sc, Options options) {
    JavaPairRDD<Integer, Integer> input = ints(sc, options).mapToPair(record -> record);
    if (options.strings.get("persistent-type").equals("hdfs")) {
      return stored(sc, options, input.map(record -> record._1() + "\t" + record._2())).mapToPair(line -> {
        String[] fields = line.split("\t");
        return new Tuple2<>(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]));
      });
    }
    return materialized(input, options);
  }

  static JavaPairRDD<String, String> stringDataSet(JavaSparkContext sc, Options options) {
    int keyLength = options.integer("key-length");
    int valueLength = options.integer("value-length");
    boolean hash = options.flags.get("hash-records");
    JavaPairRDD<String, String> input = ints(sc, options).mapToPair(record -> new Tuple2<>(
        hash ? hashed(record._1(), keyLength) : padded(record._1(), keyLength),
        hash ? hashed(record._2(), valueLength) : padded(record._2(), valueLength)));
    if (options.strings.get("persistent-type").equals("hdfs")) {
      return stored(sc, options, input.map(record -> record._1() + "\t" + record._2())).mapToPair(line -> {
        String[] fields = line.split("\t");
        return new Tuple2<>(fields[0], fields[1]);
      });
    }
    return materialized(input, options);
  }

  /** memory / disk: persisted and counted once, so that trials measure only the test. */
  private static <K, V> JavaPairRDD<K, V> materialized(JavaPairRDD<K, V> input, Options options) {
    String persistence = options.strings.get("persistent-type");
    JavaPairRDD<K, V> persisted = input.persist(persistence.equals("disk") ? StorageLevel.DISK_ONLY() : StorageLevel.MEMORY_ONLY());
    persisted.count();
    return persisted;
  }

  /** hdfs: written once to storage-location (reused when it exists, as spark-perf does), then read back. */
  private static JavaRDD<String> stored(JavaSparkContext sc, Options options, JavaRDD<String> lines) {
    String location = options.strings.get("storage-location");
    try {
      Path path = new Path(location);
      FileSystem fileSystem = path.getFileSystem(sc.hadoopConfiguration());
      if (fileSystem.exists(path)) {
        System.err.println("ATTENTION: Using input data already stored in " + location
            + ". It is not guaranteed to be consistent with provided parameters.");
      } else {
        lines.saveAsTextFile(location);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot use --storage-location " + location + ": " + e.getMessage(), e);
    }
    return sc.textFile(location);
  }
}
