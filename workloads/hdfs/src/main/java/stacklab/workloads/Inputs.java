package stacklab.workloads;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Where an input lives in HDFS, how many parts it has, and its atomic publication. */
public final class Inputs {
  public static final String ROOT = "/stacklab/input";
  public static final String OUTPUT_ROOT = "/stacklab/output";
  private static final long MB = 1L << 20;

  private Inputs() {}

  /** text-64mb-seed1 or labelled-64mb-seed1: one folder per content, shared by every workload. */
  public static Path path(boolean labelled, int megabytes, long seed) {
    return new Path(ROOT, (labelled ? "labelled" : "text") + "-" + megabytes + "mb-seed" + seed);
  }

  /** One part per HDFS block (at least 1): the jobs then get one map task per block, as in the papers. */
  public static int parts(int megabytes, Configuration conf) {
    long block = conf.getLongBytes("dfs.blocksize", 128 * MB);
    return (int) Math.max(1, (megabytes * MB + block - 1) / block);
  }

  public static long partBytes(int megabytes, int parts) {
    return megabytes * MB / parts;
  }

  /** Writes a whole input into a fresh folder; false when the job doing it failed. */
  public interface Writer {
    boolean write(Path scratch) throws Exception;
  }

  /**
   * Makes sure {@code input} exists: when it does not, {@code writer} generates it into a hidden
   * scratch folder beside it, which is then renamed into place (input_generation_time reported).
   * When another tenant published the same input meanwhile (same name, same bytes), this copy is
   * dropped. False when the writer failed (its scratch folder is removed).
   */
  public static boolean ensure(FileSystem fs, Path input, Report report, Writer writer) throws Exception {
    if (fs.exists(input)) {
      return true;
    }
    long start = System.nanoTime();
    Path scratch = new Path(input.getParent(), "." + input.getName() + "-" + java.util.UUID.randomUUID());
    if (!writer.write(scratch)) {
      fs.delete(scratch, true);
      return false;
    }
    if (!fs.rename(scratch, input)) {
      fs.delete(scratch, true);
      if (!fs.exists(input)) {
        throw new IOException("could not publish " + scratch + " as " + input);
      }
    }
    report.seconds("input_generation_time", start);
    return true;
  }

  /** A job's own output folder (deleted after the run unless kept). */
  public static Path output(String framework, String workload) {
    return new Path(OUTPUT_ROOT, framework + "-" + workload + "-" + java.util.UUID.randomUUID());
  }
}
