package stacklab.workloads.storm;

import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Values;
import stacklab.workloads.TextGenerator;

/**
 * Emits the batch workloads' sentences (the same seeded generator, one part per spout task) at a
 * steady rate, each with a message id so that Storm tracks its tuple tree: acked, failed and the
 * complete latency are the spout's. Failed sentences are counted by Storm, not replayed.
 */
public final class SentenceSpout extends BaseRichSpout {
  private static final long serialVersionUID = 1L;
  // After a stall (back pressure, a pause), start afresh rather than burst to catch up.
  private static final long MAX_LAG_NANOS = 1_000_000_000L;
  // Emissions per call of nextTuple at most, so that acks are processed between them.
  private static final int MAX_BURST = 64;

  private final long seed;
  private final int rate;
  private transient SpoutOutputCollector collector;
  private transient TextGenerator generator;
  private transient long intervalNanos;
  private transient long nextEmitNanos;
  private transient long messageId;

  public SentenceSpout(long seed, int rate) {
    this.seed = seed;
    this.rate = rate;
  }

  @Override
  public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
    this.collector = collector;
    int tasks = context.getComponentTasks(context.getThisComponentId()).size();
    this.generator = new TextGenerator(seed, context.getThisTaskIndex(), false);
    // Each task emits its share of the rate.
    this.intervalNanos = Math.max(1L, 1_000_000_000L * tasks / rate);
    this.nextEmitNanos = System.nanoTime();
  }

  @Override
  public void nextTuple() {
    long now = System.nanoTime();
    if (now - nextEmitNanos > MAX_LAG_NANOS) {
      nextEmitNanos = now;
    }
    for (int burst = 0; burst < MAX_BURST && now >= nextEmitNanos; burst++) {
      collector.emit(new Values(generator.nextLine()), messageId++);
      nextEmitNanos += intervalNanos;
    }
  }

  @Override
  public void declareOutputFields(OutputFieldsDeclarer declarer) {
    declarer.declare(new Fields("sentence"));
  }
}
