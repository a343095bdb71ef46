package stacklab.workloads.storm;

import java.util.HashMap;
import java.util.Map;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/** Running counts of the words this task receives (words are grouped by value); emits each update. */
public final class CountBolt extends BaseBasicBolt {
  private static final long serialVersionUID = 1L;
  private final Map<String, Long> counts = new HashMap<>();

  @Override
  public void execute(Tuple input, BasicOutputCollector collector) {
    String word = input.getString(0);
    long count = counts.merge(word, 1L, Long::sum);
    collector.emit(new Values(word, count));
  }

  @Override
  public void declareOutputFields(OutputFieldsDeclarer declarer) {
    declarer.declare(new Fields("word", "count"));
  }
}
