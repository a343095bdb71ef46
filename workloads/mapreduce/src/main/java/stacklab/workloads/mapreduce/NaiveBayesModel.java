package stacklab.workloads.mapreduce;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The multinomial Naive Bayes model the training job counts, and the classification with it
 * (Laplace smoothing). Plain Java, so that it is tested without Hadoop.
 */
final class NaiveBayesModel {
  // Keys of the model: "#\t<class>" counts a class's documents, "<class>\t<word>" a word in it.
  static final String DOCUMENTS = "#";

  private final Map<String, Long> documents = new HashMap<>();
  private final Map<String, Map<String, Long>> wordCounts = new HashMap<>();
  private final Map<String, Long> wordTotals = new HashMap<>();
  private final Set<String> vocabulary = new HashSet<>();
  private long allDocuments;

  /** One line of the training job's output: "#\t<class>\t<count>" or "<class>\t<word>\t<count>". */
  void add(String line) {
    String[] fields = line.split("\t");
    if (fields.length != 3) {
      throw new IllegalArgumentException("not a line of the model: " + line);
    }
    long count = Long.parseLong(fields[2]);
    if (fields[0].equals(DOCUMENTS)) {
      documents.merge(fields[1], count, Long::sum);
      allDocuments += count;
    } else {
      wordCounts.computeIfAbsent(fields[0], label -> new HashMap<>()).merge(fields[1], count, Long::sum);
      wordTotals.merge(fields[0], count, Long::sum);
      vocabulary.add(fields[1]);
    }
  }

  /** The most probable class of a document, or null when the model has no class. */
  String classify(String[] words) {
    String best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, Long> label : documents.entrySet()) {
      Map<String, Long> counts = wordCounts.getOrDefault(label.getKey(), Map.of());
      double denominator = Math.log(wordTotals.getOrDefault(label.getKey(), 0L) + vocabulary.size());
      double score = Math.log((double) label.getValue() / allDocuments);
      for (String word : words) {
        score += Math.log(counts.getOrDefault(word, 0L) + 1.0) - denominator;
      }
      if (score > bestScore) {
        bestScore = score;
        best = label.getKey();
      }
    }
    return best;
  }
}
