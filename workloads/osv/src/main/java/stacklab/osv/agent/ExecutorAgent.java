package stacklab.osv.agent;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Arrays;
import stacklab.osv.protocol.Signer;

/**
 * The executor agent: the program of an OSv worker VM (and of a Linux worker, for comparison). It
 * starts Spark executors as thread groups of its own JVM when an authenticated driver asks, since
 * OSv has one address space and no fork/exec: a standalone Worker's executor processes can't exist
 * there. Run it as {@code java -Djava.security.manager=allow -cp <spark jars>:stacklab-osv.jar
 * stacklab.osv.agent.ExecutorAgent agent.properties [host=10.0.0.5 ...]}.
 */
public final class ExecutorAgent {
  private static final Logger LOG = System.getLogger(ExecutorAgent.class.getName());

  private ExecutorAgent() {}

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
    }
    try {
      if (args.length < 1) {
        throw new IllegalArgumentException("usage: ExecutorAgent <agent.properties> [key=value ...]");
      }
      AgentConfig config = AgentConfig.load(Path.of(args[0]), Arrays.asList(args).subList(1, args.length));
      Signer signer = Signer.fromFile(config.secretFile());
      configureExecutors(config, signer);
      ExecutorSlot slot = new ExecutorSlot(config, new SparkExecutorProgram(), ExitGuard.install());
      AgentServer server = new AgentServer(config, signer, slot);
      LOG.log(Level.INFO, "executor agent listening on {0}:{1,number,#} ({2} cores, {3} MB per executor)",
          config.host(), server.port(), config.cores(), config.memoryMb());
      server.serve();
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      System.err.println("executor agent: " + e.getMessage());
      // On OSv only an exit powers the VM off; returning from main would leave it running.
      System.exit(2);
    }
  }

  /**
   * Every executor reads a new SparkConf, which starts from the JVM's spark.* properties: this is
   * how they learn to authenticate and where to keep their blocks. The secret is set here, in this
   * JVM only: never on a command line, where the host's process list would show it. (Spark 3.5's
   * executors do not read spark.authenticate.secret.file.)
   */
  private static void configureExecutors(AgentConfig config, Signer signer) {
    System.setProperty("spark.authenticate", "true");
    System.setProperty("spark.authenticate.secret", signer.secret());
    System.setProperty("spark.local.dir", config.workDir().toString());
  }
}
