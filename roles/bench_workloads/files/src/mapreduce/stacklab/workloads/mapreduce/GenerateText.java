package stacklab.workloads.mapreduce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.input.NLineInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.TextOutputFormat;
import stacklab.workloads.Inputs;
import stacklab.workloads.Options;
import stacklab.workloads.TextGenerator;

/**
 * Writes an input to HDFS in parallel: a map-only job with one map task per part (one line of a
 * small control file each), every task writing its part's lines as part-m-NNNNN.
 */
final class GenerateText {
  private static final String SEED = "stacklab.generate.seed";
  private static final String LABELLED = "stacklab.generate.labelled";
  private static final String PART_BYTES = "stacklab.generate.part-bytes";

  private GenerateText() {}

  static boolean run(Configuration conf, Options options, Path target)
      throws IOException, InterruptedException, ClassNotFoundException {
    int parts = Inputs.parts(options.inputMb, conf);
    FileSystem fs = FileSystem.get(conf);
    Path control = new Path(target + ".parts");
    try (FSDataOutputStream out = fs.create(control, true)) {
      for (int part = 0; part < parts; part++) {
        out.write((part + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
    Configuration jobConf = new Configuration(conf);
    jobConf.setLong(SEED, options.seed);
    jobConf.setBoolean(LABELLED, options.labelled);
    jobConf.setLong(PART_BYTES, Inputs.partBytes(options.inputMb, parts));
    Job job = Job.getInstance(jobConf, "stacklab generate " + target.getName());
    job.setJarByClass(GenerateText.class);
    job.setInputFormatClass(NLineInputFormat.class);
    NLineInputFormat.setNumLinesPerSplit(job, 1);
    NLineInputFormat.addInputPath(job, control);
    job.setMapperClass(PartMapper.class);
    job.setNumReduceTasks(0);
    job.setOutputKeyClass(NullWritable.class);
    job.setOutputValueClass(Text.class);
    job.setOutputFormatClass(TextOutputFormat.class);
    FileOutputFormat.setOutputPath(job, target);
    try {
      return job.waitForCompletion(false);
    } finally {
      fs.delete(control, false);
    }
  }

  /** One control line = one part index: writes that part's lines. */
  public static final class PartMapper extends Mapper<LongWritable, Text, NullWritable, Text> {
    @Override
    protected void map(LongWritable offset, Text line, Context context) throws IOException, InterruptedException {
      Configuration conf = context.getConfiguration();
      int part = Integer.parseInt(line.toString().trim());
      Text out = new Text();
      for (String text : TextGenerator.part(conf.getLong(SEED, 1), part, conf.getBoolean(LABELLED, false),
          conf.getLong(PART_BYTES, 0))) {
        out.set(text);
        context.write(NullWritable.get(), out);
      }
    }
  }
}
