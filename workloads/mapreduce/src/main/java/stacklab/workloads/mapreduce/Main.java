package stacklab.workloads.mapreduce;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.map.RegexMapper;
import org.apache.hadoop.mapreduce.lib.map.TokenCounterMapper;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.reduce.IntSumReducer;
import org.apache.hadoop.mapreduce.lib.reduce.LongSumReducer;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;
import stacklab.workloads.Inputs;
import stacklab.workloads.Options;
import stacklab.workloads.Report;

/**
 * The batch workloads on MapReduce: {@code stacklab-mapreduce <workload> [options]} (see
 * {@link Options#USAGE}). The input is generated first when HDFS does not hold it yet (a map-only
 * job, outside the measured time); then the job runs and its time, counters and the results line
 * go to standard output. Exit status 2 for a bad invocation, 1 when a job fails.
 */
public final class Main extends Configured implements Tool {
  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new Configuration(), new Main(), args));
  }

  @Override
  public int run(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("stacklab-mapreduce: " + e.getMessage());
      return 2;
    }
    Configuration conf = getConf();
    String name = options.appName();
    Report report = new Report(options.labels("hadoop"));
    FileSystem fs = FileSystem.get(conf);
    Path input = Inputs.path(options.labelled, options.inputMb, options.seed);
    if (!Inputs.ensure(fs, input, report, scratch -> GenerateText.run(conf, options, scratch))) {
      return 1;
    }
    if (options.workload.equals("generate")) {
      report.finish();
      return 0;
    }
    Path output = options.keepOutput != null ? new Path(options.keepOutput) : Inputs.output("hadoop", options.workload);
    try {
      boolean done = switch (options.workload) {
        case "wordcount" -> wordCount(conf, name, input, output, report);
        case "grep" -> grep(conf, name, options.pattern, input, output, report);
        default -> NaiveBayes.trainAndClassify(conf, name, input, output, report);
      };
      if (!done) {
        return 1;
      }
    } finally {
      if (options.keepOutput == null) {
        fs.delete(output, true);
      }
    }
    report.finish();
    return 0;
  }

  /**
   * A job that counts: {@code mapper} emits (text, count) pairs, {@code sum} (a summing reducer
   * over {@code countClass}) adds them up, as combiner and as reducer.
   */
  @SuppressWarnings("rawtypes")
  static Job countingJob(Configuration conf, String name, Class<? extends Mapper> mapper,
      Class<? extends Reducer> sum, Class<?> countClass) throws IOException {
    Job job = Job.getInstance(conf, name);
    job.setJarByClass(Main.class);
    job.setMapperClass(mapper);
    job.setCombinerClass(sum);
    job.setReducerClass(sum);
    job.setOutputKeyClass(Text.class);
    job.setOutputValueClass(countClass);
    return job;
  }

  private static boolean wordCount(Configuration conf, String name, Path input, Path output, Report report)
      throws IOException, InterruptedException, ClassNotFoundException {
    Job job = countingJob(conf, name, TokenCounterMapper.class, IntSumReducer.class, IntWritable.class);
    return timed(job, input, output, report, "job_time");
  }

  /** Occurrences of each match of {@code pattern} (the first job of Hadoop's grep example). */
  private static boolean grep(Configuration conf, String name, String pattern, Path input, Path output, Report report)
      throws IOException, InterruptedException, ClassNotFoundException {
    Configuration grepConf = new Configuration(conf);
    grepConf.set(RegexMapper.PATTERN, pattern);
    Job job = countingJob(grepConf, name, RegexMapper.class, LongSumReducer.class, LongWritable.class);
    return timed(job, input, output, report, "job_time");
  }

  /** Runs the job; on success reports its time as {@code metric}, its map output and output records. */
  static boolean timed(Job job, Path input, Path output, Report report, String metric)
      throws IOException, InterruptedException, ClassNotFoundException {
    FileInputFormat.addInputPath(job, input);
    FileOutputFormat.setOutputPath(job, output);
    long start = System.nanoTime();
    if (!completes(job)) {
      return false;
    }
    report.seconds(metric, start);
    report.sample("map_output_records", job.getCounters().findCounter(TaskCounter.MAP_OUTPUT_RECORDS).getValue(), "records");
    report.sample("output_records", job.getCounters().findCounter(TaskCounter.REDUCE_OUTPUT_RECORDS).getValue(), "records");
    return true;
  }

  /** Runs the job to its end; false, with the reason on standard error, when it fails. A client
   *  stopped on the way (SIGTERM: a cell's timeout, an interrupted bench run) kills its job: YARN
   *  would otherwise run it on, beside the next cell's tenants. */
  static boolean completes(Job job) throws IOException, InterruptedException, ClassNotFoundException {
    Thread killer = new Thread(() -> killUnfinished(job));
    Runtime.getRuntime().addShutdownHook(killer);
    boolean succeeded = job.waitForCompletion(false);
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting: the hook runs.
    }
    if (succeeded) {
      return true;
    }
    System.err.println("stacklab-mapreduce: job " + job.getJobID() + " failed: " + job.getStatus().getFailureInfo());
    return false;
  }

  private static void killUnfinished(Job job) {
    try {
      if (!job.isComplete()) {
        job.killJob();
        System.err.println("stacklab-mapreduce: stopped: killed job " + job.getJobID());
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("stacklab-mapreduce: stopped, but could not kill job " + job.getJobID() + ": " + e);
    }
  }
}
