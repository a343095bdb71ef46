package stacklab.workloads.mapreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NaiveBayesModelTest {
  private static NaiveBayesModel model() {
    NaiveBayesModel model = new NaiveBayesModel();
    for (String line : new String[] {
        "#\tc0\t3", "#\tc1\t1", "c0\tapple\t5", "c0\tpear\t1", "c1\tstone\t4", "c1\tpear\t2"}) {
      model.add(line);
    }
    return model;
  }

  @Test
  void documentsGoToTheClassTheirWordsAreCommonIn() {
    assertEquals("c0", model().classify(new String[] {"apple", "apple", "pear"}));
    assertEquals("c1", model().classify(new String[] {"stone", "stone"}));
  }

  @Test
  void unknownWordsAreSmoothedAndThePriorDecides() {
    assertEquals("c0", model().classify(new String[] {"unseen"}));
  }

  @Test
  void anEmptyModelHasNoClassAndAMalformedLineIsRefused() {
    assertNull(new NaiveBayesModel().classify(new String[] {"apple"}));
    assertThrows(IllegalArgumentException.class, () -> new NaiveBayesModel().add("c0\tapple"));
  }
}
