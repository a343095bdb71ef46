package stacklab.osv.agent;

import java.io.IOException;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import stacklab.osv.protocol.AgentProtocol;

/**
 * The agent's settings, from a properties file (the osv_image role writes it into the image) and
 * the command line:
 *
 * <pre>
 *   host=10.89.97.21          the cluster address: the agent listens there, executors bind to it
 *                             ("auto": the first address of an interface that is up, not loopback:
 *                             a cloud VM's, given by DHCP)
 *   secret_file=/etc/secret   the cluster's secret (Spark's spark.authenticate.secret)
 *   port=7610                 optional
 *   cores=1                   optional: what one executor may use (default: the JVM's processors)
 *   memory_mb=1024            optional (default: the JVM's maximum heap)
 *   work_dir=/tmp             optional: the executors' spark.local.dir
 * </pre>
 */
record AgentConfig(String host, int port, Path secretFile, int cores, int memoryMb, Path workDir) {
  private static final Set<String> KEYS = Set.of("host", "port", "secret_file", "cores", "memory_mb", "work_dir");

  /**
   * The file's settings, then {@code key=value} overrides from the command line: one image serves
   * every VM, each told its own address on its kernel command line.
   */
  static AgentConfig load(Path file, List<String> overrides) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("can't read the agent's settings from " + file + ": " + e.getMessage(), e);
    }
    for (String override : overrides) {
      int equals = override.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("'" + override + "' is not a key=value setting");
      }
      properties.setProperty(override.substring(0, equals), override.substring(equals + 1));
    }
    return of(properties, file.toString());
  }

  static AgentConfig of(Properties properties, String source) {
    Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(source + ": unknown settings " + unknown + " (known: " + new TreeSet<>(KEYS) + ")");
    }
    Runtime runtime = Runtime.getRuntime();
    return new AgentConfig(
        hostOf(required(properties, "host", source), source),
        positive(properties, "port", AgentProtocol.DEFAULT_PORT, source),
        Path.of(required(properties, "secret_file", source)),
        positive(properties, "cores", runtime.availableProcessors(), source),
        positive(properties, "memory_mb", (int) (runtime.maxMemory() >> 20), source),
        Path.of(properties.getProperty("work_dir", System.getProperty("java.io.tmpdir"))));
  }

  private static String hostOf(String host, String source) {
    if (!host.equals("auto")) {
      return host;
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && !nic.isLoopback()) {
          for (InetAddress address : Collections.list(nic.getInetAddresses())) {
            if (address instanceof Inet4Address) {
              return address.getHostAddress();
            }
          }
        }
      }
    } catch (SocketException e) {
      throw new IllegalArgumentException(source + ": host=auto: can't list the network interfaces: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(source + ": host=auto: no interface is up with an IPv4 address");
  }

  private static String required(Properties properties, String key, String source) {
    String value = properties.getProperty(key, "").strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException(source + ": " + key + " is required");
    }
    return value;
  }

  private static int positive(Properties properties, String key, int otherwise, String source) {
    String value = properties.getProperty(key);
    if (value == null) {
      return otherwise;
    }
    try {
      int number = Integer.parseInt(value.strip());
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(source + ": " + key + " must be a positive integer, got '" + value + "'");
  }
}
