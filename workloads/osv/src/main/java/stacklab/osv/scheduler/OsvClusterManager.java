package stacklab.osv.scheduler;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.scheduler.SchedulerBackend;
import org.apache.spark.scheduler.TaskScheduler;
import org.apache.spark.scheduler.TaskSchedulerImpl;

/**
 * Spark's entry point for {@code spark+osv://} masters (service-loaded from
 * META-INF/services/org.apache.spark.scheduler.ExternalClusterManager): Spark's own task scheduler,
 * with executors from the agents the URL names.
 */
public final class OsvClusterManager implements ExternalClusterManager {
  @Override
  public boolean canCreate(String masterUrl) {
    return OsvMasterUrl.claims(masterUrl);
  }

  @Override
  public TaskScheduler createTaskScheduler(SparkContext sc, String masterUrl) {
    return new TaskSchedulerImpl(sc);
  }

  @Override
  public SchedulerBackend createSchedulerBackend(SparkContext sc, String masterUrl, TaskScheduler scheduler) {
    return new OsvSchedulerBackend((TaskSchedulerImpl) scheduler, sc, OsvMasterUrl.parse(masterUrl));
  }

  @Override
  public void initialize(TaskScheduler scheduler, SchedulerBackend backend) {
    ((TaskSchedulerImpl) scheduler).initialize(backend);
  }
}
