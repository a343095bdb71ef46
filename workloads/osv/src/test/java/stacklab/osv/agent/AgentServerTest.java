package stacklab.osv.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stacklab.osv.protocol.AgentClient;
import stacklab.osv.protocol.HostPort;
import stacklab.osv.protocol.Request;
import stacklab.osv.protocol.Signer;

/** The agent over real sockets, with the exit guard installed in this JVM (surefire allows it). */
class AgentServerTest {
  private static final ExitGuard GUARD = ExitGuard.install();
  private static final Signer SIGNER = new Signer("cluster-secret");

  /**
   * Stands in for Spark's executor as the agent sees one: its first thread waits until the executor
   * is stopped (as CoarseGrainedExecutorBackend waits on its RPC server), and a thread it started
   * calls System.exit when the test says (as a task may).
   */
  private static final class ExitingProgram implements ExecutorProgram {
    volatile CountDownLatch stopped = new CountDownLatch(1);
    volatile CountDownLatch exitNow = new CountDownLatch(1);
    volatile Thread task;

    @Override
    public void run(String[] args) throws InterruptedException {
      CountDownLatch mine = stopped;
      CountDownLatch exit = exitNow;
      task = new Thread(() -> {
        try {
          exit.await();
          System.exit(3);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "task");
      task.start();
      mine.await();
    }

    @Override
    public void stop() {
      stopped.countDown();
    }
  }

  private final ExitingProgram program = new ExitingProgram();
  private AgentServer server;
  private HostPort address;

  @BeforeEach
  void start() throws IOException {
    AgentConfig config = new AgentConfig("127.0.0.1", 0, Path.of("unused"), 1, 512, Path.of("/tmp"));
    server = new AgentServer(config, SIGNER, new ExecutorSlot(config, program, GUARD));
    address = new HostPort("127.0.0.1", server.port());
    Thread serving = new Thread(server::serve, "agent-server");
    serving.setDaemon(true);
    serving.start();
  }

  @AfterEach
  void stop() throws IOException {
    program.stop();
    server.close();
  }

  private Request send(Signer signer, String line) throws IOException {
    return new AgentClient(signer, 5_000).send(address, Request.parse(line));
  }

  private Request send(String line) throws IOException {
    return send(SIGNER, line);
  }

  private static String launch(String executor, int memoryMb) {
    return "LAUNCH app=app-1 executor=" + executor + " driver=spark://CoarseGrainedScheduler@127.0.0.1:1 cores=1 memory_mb=" + memoryMb;
  }

  private void awaitIdle() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(ExecutorRun.GRACE.multipliedBy(3));
    while (!send("STATUS").fields().get("state").equals("idle")) {
      assertTrue(Instant.now().isBefore(deadline), "the agent still runs the ended executor");
      Thread.sleep(100);
    }
  }

  @Test
  void withoutTheClustersSecretNothingIsAnswered() throws IOException {
    assertEquals("ERR reason=unauthenticated", send(new Signer("guessed"), launch("1", 256)).format());
    assertEquals("idle", send("STATUS").fields().get("state"));
  }

  @Test
  void anExecutorThatExitsEndsAloneAndTheAgentRunsTheNext() throws Exception {
    assertEquals("running", send(launch("1", 512)).fields().get("state"));
    assertEquals("ERR app=app-1 executor=1 reason=busy", send(launch("2", 512)).format());
    Thread task = program.task;
    program.exitNow.countDown();
    awaitIdle(); // the exit reached the guard, not the JVM: this test still runs
    assertTrue(!task.isAlive());
    program.stopped = new CountDownLatch(1);
    program.exitNow = new CountDownLatch(1);
    Request second = send(launch("2", 512));
    assertEquals("2", second.fields().get("executor"));
    assertEquals("2", second.fields().get("launched"));
  }

  @Test
  void killingEndsTheExecutorAndAskingTooMuchIsRefused() throws Exception {
    assertEquals("ERR reason=this_agent_offers_1_cores_and_512_MB,_the_executor_asks_1_cores_and_1024_MB",
        send(launch("1", 1024)).format());
    send(launch("1", 256));
    assertEquals("ERR reason=no_executor_9_of_app-1_runs_here", send("KILL app=app-1 executor=9").format());
    send("KILL app=app-1 executor=1");
    awaitIdle();
    assertTrue(program.stopped.await(1, TimeUnit.SECONDS), "the executor was stopped");
  }

  @Test
  void aGuardedThreadCanNotRemoveTheGuard() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    ThreadGroup executor = new ThreadGroup("executor-test");
    GUARD.guard(executor, status -> {});
    String[] problem = new String[1];
    Thread thread = new Thread(executor, () -> {
      try {
        System.setSecurityManager(null);
      } catch (SecurityException e) {
        problem[0] = e.getMessage();
      }
      done.countDown();
    });
    thread.start();
    assertTrue(done.await(5, TimeUnit.SECONDS));
    GUARD.release(executor);
    assertEquals("an executor may not replace the agent's exit guard", problem[0]);
    assertTrue(System.getSecurityManager() == GUARD);
  }
}
