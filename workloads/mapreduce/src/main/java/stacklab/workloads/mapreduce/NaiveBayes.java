package stacklab.workloads.mapreduce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.NullOutputFormat;
import org.apache.hadoop.mapreduce.lib.reduce.LongSumReducer;
import stacklab.workloads.Report;

/**
 * Multinomial Naive Bayes on MapReduce, trained and then applied to the labelled input: a training
 * job counts documents per class and words per class (the model, a small text file set), a
 * map-only job classifies every document with the model and counts the correct ones.
 */
final class NaiveBayes {
  private static final String MODEL = "stacklab.naive-bayes.model";
  private static final String DOCUMENTS = NaiveBayesModel.DOCUMENTS;

  enum Classified { DOCUMENTS, CORRECT }

  private NaiveBayes() {}

  static boolean trainAndClassify(Configuration conf, String name, Path input, Path output, Report report)
      throws IOException, InterruptedException, ClassNotFoundException {
    long start = System.nanoTime();
    Path model = new Path(output, "model");
    Job train = Main.countingJob(conf, name + " (train)", TrainMapper.class, LongSumReducer.class, LongWritable.class);
    if (!Main.timed(train, input, model, report, "train_time")) {
      return false;
    }
    Configuration classifyConf = new Configuration(conf);
    classifyConf.set(MODEL, model.toString());
    Job classify = Job.getInstance(classifyConf, name + " (classify)");
    classify.setJarByClass(NaiveBayes.class);
    classify.setMapperClass(ClassifyMapper.class);
    classify.setNumReduceTasks(0);
    classify.setOutputFormatClass(NullOutputFormat.class);
    FileInputFormat.addInputPath(classify, input);
    if (!Main.completes(classify)) {
      return false;
    }
    report.seconds("job_time", start);  // the workload's time: training and classification
    long documents = classify.getCounters().findCounter(Classified.DOCUMENTS).getValue();
    long correct = classify.getCounters().findCounter(Classified.CORRECT).getValue();
    report.sample("accuracy", documents == 0 ? 0.0 : (double) correct / documents, "ratio");
    return true;
  }

  /** A labelled line "c<k>\tword word ..." -> one document of class c<k>, one count per word. */
  public static final class TrainMapper extends Mapper<LongWritable, Text, Text, LongWritable> {
    private static final LongWritable ONE = new LongWritable(1);
    private final Text key = new Text();

    @Override
    protected void map(LongWritable offset, Text value, Context context) throws IOException, InterruptedException {
      String line = value.toString();
      int tab = line.indexOf('\t');
      if (tab < 0) {
        return;
      }
      String label = line.substring(0, tab);
      key.set(DOCUMENTS + "\t" + label);
      context.write(key, ONE);
      for (String word : line.substring(tab + 1).split(" ")) {
        key.set(label + "\t" + word);
        context.write(key, ONE);
      }
    }
  }

  /** Classifies each labelled line with the model (read once per task) and counts the correct ones. */
  public static final class ClassifyMapper extends Mapper<LongWritable, Text, NullWritable, NullWritable> {
    private final NaiveBayesModel model = new NaiveBayesModel();

    @Override
    protected void setup(Context context) throws IOException {
      Path modelPath = new Path(context.getConfiguration().get(MODEL));
      FileSystem fs = modelPath.getFileSystem(context.getConfiguration());
      for (FileStatus file : fs.listStatus(modelPath, path -> path.getName().startsWith("part-"))) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            model.add(line);
          }
        }
      }
    }

    @Override
    protected void map(LongWritable offset, Text value, Context context) {
      String line = value.toString();
      int tab = line.indexOf('\t');
      if (tab < 0) {
        return;
      }
      context.getCounter(Classified.DOCUMENTS).increment(1);
      if (line.substring(0, tab).equals(model.classify(line.substring(tab + 1).split(" ")))) {
        context.getCounter(Classified.CORRECT).increment(1);
      }
    }
  }
}
