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
    // bench.yml names each tenant's application after the tenant (allocation timelines tell them apart).
    String name = System.getenv().getOrDefault("STACKLAB_APP_NAME", "stacklab " + options.workload);
    Report report = new Report(options.labels("hadoop"));
    Path input = Inputs.path(options.labelled, options.inputMb, options.seed);
    if (!ensureInput(conf, options, input, report)) {
      return 1;
    }
    if (options.workload.equals("generate")) {
      report.finish();
      return 0;
    }
    FileSystem fs = FileSystem.get(conf);
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

  private static boolean ensureInput(Configuration conf, Options options, Path input, Report report)
      throws IOException, InterruptedException, ClassNotFoundException {
    FileSystem fs = FileSystem.get(conf);
    if (fs.exists(input)) {
      return true;
    }
    long start = System.nanoTime();
    Path scratch = Inputs.scratch(input);
    if (!GenerateText.run(conf, options, scratch)) {
      fs.delete(scratch, true);
      return false;
    }
    Inputs.publish(fs, scratch, input);
    report.seconds("input_generation_time", start);
    return true;
  }

  private static boolean wordCount(Configuration conf, String name, Path input, Path output, Report report)
      throws IOException, InterruptedException, ClassNotFoundException {
    Job job = Job.getInstance(conf, name);
    job.setJarByClass(Main.class);
    job.setMapperClass(TokenCounterMapper.class);
    job.setCombinerClass(IntSumReducer.class);
    job.setReducerClass(IntSumReducer.class);
    job.setOutputKeyClass(Text.class);
    job.setOutputValueClass(IntWritable.class);
    return timed(job, input, output, report, "job_time");
  }

  /** Occurrences of each match of {@code pattern} (the first job of Hadoop's grep example). */
  private static boolean grep(Configuration conf, String name, String pattern, Path input, Path output, Report report)
      throws IOException, InterruptedException, ClassNotFoundException {
    Configuration grepConf = new Configuration(conf);
    grepConf.set(RegexMapper.PATTERN, pattern);
    Job job = Job.getInstance(grepConf, name);
    job.setJarByClass(Main.class);
    job.setMapperClass(RegexMapper.class);
    job.setCombinerClass(LongSumReducer.class);
    job.setReducerClass(LongSumReducer.class);
    job.setOutputKeyClass(Text.class);
    job.setOutputValueClass(LongWritable.class);
    return timed(job, input, output, report, "job_time");
  }

  /** Runs the job; on success reports its time as {@code metric}, its map output and output records. */
  static boolean timed(Job job, Path input, Path output, Report report, String metric)
      throws IOException, InterruptedException, ClassNotFoundException {
    FileInputFormat.addInputPath(job, input);
    FileOutputFormat.setOutputPath(job, output);
    long start = System.nanoTime();
    if (!job.waitForCompletion(false)) {
      System.err.println("stacklab-mapreduce: job " + job.getJobID() + " failed: " + job.getStatus().getFailureInfo());
      return false;
    }
    report.seconds(metric, start);
    report.sample("map_output_records", job.getCounters().findCounter(TaskCounter.MAP_OUTPUT_RECORDS).getValue(), "records");
    report.sample("output_records", job.getCounters().findCounter(TaskCounter.REDUCE_OUTPUT_RECORDS).getValue(), "records");
    return true;
  }
}
