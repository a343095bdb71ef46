package stacklab.workloads;

import java.util.Random;

/**
 * The batch workloads' input, as BigDataBench generates text: lines of words drawn from a fixed
 * vocabulary with Zipf-distributed ranks. A document belongs to one of {@link #CLASSES} classes,
 * each with its own word ranking (the ranks are rotated per class), so that Naive Bayes has
 * something to learn; labelled lines start with {@code c<class>} and a tab.
 *
 * <p>Part {@code p} of an input with seed {@code s} is the same bytes wherever it is generated
 * (a MapReduce map task or a Spark partition): its random stream depends on (s, p) only.
 */
public final class TextGenerator {
  public static final int VOCABULARY = 5000;
  public static final int CLASSES = 4;
  // Shifts each class's ranking far enough that the classes' frequent words differ.
  private static final int CLASS_ROTATION = 131;
  private static final double ZIPF_EXPONENT = 1.0;
  private static final String[] SYLLABLES = {
    "ba", "be", "bi", "bo", "da", "de", "di", "do", "ka", "ke", "ki", "ko", "la", "le", "li", "lo",
    "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "ra", "re", "ri", "ro", "sa", "se", "si", "so",
    "ta", "te", "ti", "to", "va", "ve", "vi", "vo",
  };
  private static final String[] WORDS = vocabulary();
  private static final double[] CUMULATIVE = zipfCumulative();

  private final Random random;
  private final boolean labelled;

  public TextGenerator(long seed, int part, boolean labelled) {
    this.random = new Random(seed * 1_000_003L + part);
    this.labelled = labelled;
  }

  /** The vocabulary is fixed (not seeded): every input shares it. */
  private static String[] vocabulary() {
    Random random = new Random(0x5eedL);
    java.util.LinkedHashSet<String> words = new java.util.LinkedHashSet<>();
    while (words.size() < VOCABULARY) {
      int syllables = 2 + random.nextInt(3);
      StringBuilder word = new StringBuilder();
      for (int i = 0; i < syllables; i++) {
        word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      words.add(word.toString());
    }
    return words.toArray(new String[0]);
  }

  private static double[] zipfCumulative() {
    double[] cumulative = new double[VOCABULARY];
    double sum = 0;
    for (int rank = 0; rank < VOCABULARY; rank++) {
      sum += 1.0 / Math.pow(rank + 1, ZIPF_EXPONENT);
      cumulative[rank] = sum;
    }
    for (int rank = 0; rank < VOCABULARY; rank++) {
      cumulative[rank] /= sum;
    }
    return cumulative;
  }

  private int zipfRank() {
    int index = java.util.Arrays.binarySearch(CUMULATIVE, random.nextDouble());
    return Math.min(index >= 0 ? index : -index - 1, VOCABULARY - 1);
  }

  /** One document: 8 to 23 words of one class, with its label in front when labelled. */
  public String nextLine() {
    int label = random.nextInt(CLASSES);
    int words = 8 + random.nextInt(16);
    StringBuilder line = new StringBuilder(words * 8);
    if (labelled) {
      line.append('c').append(label).append('\t');
    }
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        line.append(' ');
      }
      line.append(WORDS[(zipfRank() + label * CLASS_ROTATION) % VOCABULARY]);
    }
    return line.toString();
  }

  /** Lines of part {@code part} until at least {@code bytes} bytes (with newlines) are emitted. */
  public static Iterable<String> part(long seed, int part, boolean labelled, long bytes) {
    return () -> new java.util.Iterator<String>() {
      private final TextGenerator generator = new TextGenerator(seed, part, labelled);
      private long emitted;

      @Override
      public boolean hasNext() {
        return emitted < bytes;
      }

      @Override
      public String next() {
        String line = generator.nextLine();
        emitted += line.length() + 1;  // ASCII only: characters are bytes
        return line;
      }
    };
  }
}
