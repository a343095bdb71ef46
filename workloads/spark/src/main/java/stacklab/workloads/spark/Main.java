package stacklab.workloads.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.classification.NaiveBayesModel;
import org.apache.spark.mllib.feature.HashingTF;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import stacklab.workloads.Inputs;
import stacklab.workloads.Options;
import stacklab.workloads.Report;
import stacklab.workloads.TextGenerator;

/**
 * The batch workloads on Spark (JVM): {@code stacklab-spark <workload> [options]} (see
 * {@link Options#USAGE}), the same workloads and inputs as stacklab-mapreduce. The input is
 * generated first when HDFS does not hold it yet (one partition per part, outside the measured
 * time). Exit status 2 for a bad invocation, before any application is registered.
 */
public final class Main {
  // Features of the hashed bag of words: well above the vocabulary, so that few words collide.
  private static final int FEATURES = 1 << 16;

  private Main() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("stacklab-spark: " + e.getMessage());
      System.exit(2);
      return;
    }
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName(options.appName()))) {
      Report report = new Report(options.labels("spark"));
      FileSystem fs = FileSystem.get(sc.hadoopConfiguration());
      Path input = Inputs.path(options.labelled, options.inputMb, options.seed);
      Inputs.ensure(fs, input, report, scratch -> generate(sc, options, scratch));
      if (!options.workload.equals("generate")) {
        Path output = options.keepOutput != null ? new Path(options.keepOutput) : Inputs.output("spark", options.workload);
        try {
          run(sc, options, input.toString(), output.toString(), report);
        } finally {
          if (options.keepOutput == null) {
            fs.delete(output, true);
          }
        }
      }
      report.finish();
    }
  }

  /** One partition per part; a failed Spark job throws. */
  private static boolean generate(JavaSparkContext sc, Options options, Path scratch) {
    int parts = Inputs.parts(options.inputMb, sc.hadoopConfiguration());
    long partBytes = Inputs.partBytes(options.inputMb, parts);
    long seed = options.seed;
    boolean labelled = options.labelled;
    List<Integer> indexes = new ArrayList<>();
    for (int part = 0; part < parts; part++) {
      indexes.add(part);
    }
    sc.parallelize(indexes, parts)
        .flatMap(part -> TextGenerator.part(seed, part, labelled, partBytes).iterator())
        .saveAsTextFile(scratch.toString());
    return true;
  }

  private static void run(JavaSparkContext sc, Options options, String input, String output, Report report) {
    long start = System.nanoTime();
    switch (options.workload) {
      case "wordcount" -> {
        LongAccumulator words = sc.sc().longAccumulator("words");
        JavaPairRDD<String, Integer> counts = sc.textFile(input)
            .flatMap(line -> Arrays.asList(line.split("\\s+")).iterator())
            .filter(word -> !word.isEmpty())
            .mapToPair(word -> {
              words.add(1);
              return new Tuple2<>(word, 1);
            })
            .reduceByKey(Integer::sum);
        counts.saveAsTextFile(output);
        report.seconds("job_time", start);
        report.sample("map_output_records", words.value(), "records");
      }
      case "grep" -> {
        String regex = options.pattern;
        sc.textFile(input)
            .flatMap(line -> {
              List<String> found = new ArrayList<>();
              Matcher matcher = Pattern.compile(regex).matcher(line);
              while (matcher.find()) {
                found.add(matcher.group());
              }
              return found.iterator();
            })
            .mapToPair(match -> new Tuple2<>(match, 1L))
            .reduceByKey(Long::sum)
            .saveAsTextFile(output);
        report.seconds("job_time", start);
      }
      default -> naiveBayes(sc, input, start, report);
    }
  }

  /** MLlib's multinomial Naive Bayes on hashed word counts, trained and applied to the same documents. */
  private static void naiveBayes(JavaSparkContext sc, String input, long start, Report report) {
    HashingTF features = new HashingTF(FEATURES);
    JavaRDD<LabeledPoint> documents = sc.textFile(input)
        .filter(line -> line.indexOf('\t') > 1)
        .map(line -> {
          int tab = line.indexOf('\t');
          double label = Double.parseDouble(line.substring(1, tab));  // "c<k>"
          return new LabeledPoint(label, features.transform(Arrays.asList(line.substring(tab + 1).split(" "))));
        })
        .cache();
    long trainStart = System.nanoTime();
    NaiveBayesModel model = org.apache.spark.mllib.classification.NaiveBayes.train(documents.rdd(), 1.0);
    report.seconds("train_time", trainStart);
    long total = documents.count();
    long correct = documents.filter(document -> model.predict(document.features()) == document.label()).count();
    report.seconds("job_time", start);
    report.sample("accuracy", total == 0 ? 0.0 : (double) correct / total, "ratio");
    documents.unpersist();
  }
}
