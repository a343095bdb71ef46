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

  /** A fresh folder beside {@code target} to generate into; publish() renames it into place. */
  public static Path scratch(Path target) {
    return new Path(target.getParent(), "." + target.getName() + "-" + java.util.UUID.randomUUID());
  }

  /**
   * Moves a generated input into place. When another tenant published the same input meanwhile
   * (same name, same bytes), this copy is dropped.
   */
  public static void publish(FileSystem fs, Path scratch, Path target) throws IOException {
    if (!fs.rename(scratch, target)) {
      fs.delete(scratch, true);
      if (!fs.exists(target)) {
        throw new IOException("could not publish " + scratch + " as " + target);
      }
    }
  }

  /** A job's own output folder (deleted after the run unless kept). */
  public static Path output(String framework, String workload) {
    return new Path(OUTPUT_ROOT, framework + "-" + workload + "-" + java.util.UUID.randomUUID());
  }
}
