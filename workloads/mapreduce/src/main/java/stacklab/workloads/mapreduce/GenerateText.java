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
import org.apache.hadoop.mapreduce.lib.output.LazyOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.MultipleOutputs;
import org.apache.hadoop.mapreduce.lib.output.TextOutputFormat;
import stacklab.workloads.Inputs;
import stacklab.workloads.Options;
import stacklab.workloads.TextGenerator;

/**
 * Writes an input to HDFS in parallel: a map-only job with one map task per part (one line of a
 * small control file each), every task writing its part's lines to part-PPPPP-m-TTTTT. The name
 * starts with the part, not the task: MapReduce orders tasks by split size, not file order, and
 * the parts must sort as Spark's part-PPPPP files do.
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
    // Not beside the (hidden) scratch folder: input paths whose names start with "." are skipped.
    Path control = new Path(Inputs.OUTPUT_ROOT, "generate-" + java.util.UUID.randomUUID() + ".parts");
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
    LazyOutputFormat.setOutputFormatClass(job, TextOutputFormat.class);  // no empty part-m files
    FileOutputFormat.setOutputPath(job, target);
    try {
      return Main.completes(job);
    } finally {
      fs.delete(control, false);
    }
  }

  /** One control line = one part index: writes that part's lines. */
  public static final class PartMapper extends Mapper<LongWritable, Text, NullWritable, Text> {
    private MultipleOutputs<NullWritable, Text> outputs;

    @Override
    protected void setup(Context context) {
      outputs = new MultipleOutputs<>(context);
    }

    @Override
    protected void cleanup(Context context) throws IOException, InterruptedException {
      outputs.close();
    }

    @Override
    protected void map(LongWritable offset, Text line, Context context) throws IOException, InterruptedException {
      Configuration conf = context.getConfiguration();
      int part = Integer.parseInt(line.toString().trim());
      Text out = new Text();
      String file = String.format("part-%05d", part);
      for (String text : TextGenerator.part(conf.getLong(SEED, 1), part, conf.getBoolean(LABELLED, false),
          conf.getLong(PART_BYTES, 0))) {
        out.set(text);
        outputs.write(NullWritable.get(), out, file);
      }
    }
  }
}
