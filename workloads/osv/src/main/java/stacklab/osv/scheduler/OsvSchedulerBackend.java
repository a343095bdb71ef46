package stacklab.osv.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend;
import stacklab.osv.protocol.AgentClient;
import stacklab.osv.protocol.Signer;

/**
 * Spark's coarse-grained backend (executors register with the driver, tasks go to them over RPC),
 * with executors asked of the agents instead of a standalone Master: one per agent, with the
 * application's spark.executor.cores and spark.executor.memory, up to spark.cores.max.
 *
 * <p>Settings: spark.stacklab.osv.pollInterval (1s: how often agents are checked and asked),
 * spark.stacklab.osv.registrationTimeout (120s: how long an executor may take to register before it
 * is killed and asked again; an agent's JVM is already up, so this is the executor's start alone).
 */
final class OsvSchedulerBackend extends CoarseGrainedSchedulerBackend {
  /** CoarseGrainedSchedulerBackend.ENDPOINT_NAME: executors reach the driver at this endpoint. */
  private static final String DRIVER_ENDPOINT = "CoarseGrainedScheduler";
  /** YARN's default too: wait for 80% of the cores before the first job, not for none. */
  private static final double DEFAULT_MIN_REGISTERED_RATIO = 0.8;

  private static final System.Logger LOG = System.getLogger(OsvSchedulerBackend.class.getName());

  private final SparkContext sc;
  private final OsvMasterUrl masterUrl;
  private ExecutorPlacement placement;
  private ScheduledExecutorService rounds;

  OsvSchedulerBackend(TaskSchedulerImpl scheduler, SparkContext sc, OsvMasterUrl masterUrl) {
    super(scheduler, sc.env().rpcEnv());
    this.sc = sc;
    this.masterUrl = masterUrl;
  }

  @Override
  public void start() {
    SparkConf conf = sc.conf();
    if (!conf.getBoolean("spark.authenticate", false)) {
      throw new IllegalArgumentException(OsvMasterUrl.SCHEME + " needs spark.authenticate=true and the cluster's "
          + "spark.authenticate.secret: the executor agents serve only requests signed with it");
    }
    super.start();
    int cores = conf.getInt("spark.executor.cores", 1);
    ExecutorPlacement.Ask ask = new ExecutorPlacement.Ask(
        applicationId(),
        "spark://" + DRIVER_ENDPOINT + "@" + conf.get("spark.driver.host") + ":" + conf.get("spark.driver.port"),
        cores,
        (int) conf.getSizeAsMb("spark.executor.memory", "1g"),
        conf.getInt("spark.cores.max", Integer.MAX_VALUE),
        Duration.ofMillis(conf.getTimeAsMs("spark.stacklab.osv.registrationTimeout", "120s")));
    // Spark itself insists on it for a master it does not know (SecurityManager.initializeAuth).
    AgentClient client = new AgentClient(new Signer(conf.get("spark.authenticate.secret")), 10_000);
    placement = new ExecutorPlacement(masterUrl.agents(), client::send, ask, Clock.systemUTC());
    rounds = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "osv-executor-placement");
      thread.setDaemon(true);
      return thread;
    });
    long interval = conf.getTimeAsMs("spark.stacklab.osv.pollInterval", "1s");
    rounds.scheduleWithFixedDelay(this::placementRound, 0, interval, TimeUnit.MILLISECONDS);
  }

  /** One round; an exception would end the schedule silently, so it is logged and the next round runs. */
  private void placementRound() {
    try {
      placement.reconcile(this::isExecutorActive);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "placing executors on the OSv agents failed; trying again next round", e);
    }
  }

  @Override
  public void stop() {
    if (rounds != null) {
      rounds.shutdownNow();
    }
    super.stop();
  }

  @Override
  public double minRegisteredRatio() {
    return sc.conf().getDouble("spark.scheduler.minRegisteredResourcesRatio", DEFAULT_MIN_REGISTERED_RATIO);
  }

  @Override
  public boolean sufficientResourcesRegistered() {
    return placement != null && totalCoreCount().get() >= placement.expectedCores() * minRegisteredRatio();
  }
}
