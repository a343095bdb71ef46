package stacklab.workloads.storm;

import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/** A sentence into its words, each anchored to the sentence (a basic bolt acks after execute). */
public final class SplitBolt extends BaseBasicBolt {
  private static final long serialVersionUID = 1L;

  @Override
  public void execute(Tuple input, BasicOutputCollector collector) {
    for (String word : input.getString(0).split(" ")) {
      if (!word.isEmpty()) {
        collector.emit(new Values(word));
      }
    }
  }

  @Override
  public void declareOutputFields(OutputFieldsDeclarer declarer) {
    declarer.declare(new Fields("word"));
  }
}
