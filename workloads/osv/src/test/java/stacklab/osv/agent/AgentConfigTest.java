package stacklab.osv.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static Properties settings(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return properties;
  }

  private static String problem(String... keysAndValues) {
    return assertThrows(IllegalArgumentException.class, () -> AgentConfig.of(settings(keysAndValues), "agent.properties")).getMessage();
  }

  @Test
  void unsetSettingsTakeTheirDefaults() {
    AgentConfig config = AgentConfig.of(settings("host", "10.0.0.5", "secret_file", "/etc/secret", "cores", "2"), "agent.properties");
    assertEquals(7610, config.port());
    assertEquals(2, config.cores());
    assertEquals(Path.of("/etc/secret"), config.secretFile());
    assertEquals(Runtime.getRuntime().maxMemory() >> 20, config.memoryMb());
  }

  @Test
  void theCommandLineOverridesTheFile(@org.junit.jupiter.api.io.TempDir Path folder) throws java.io.IOException {
    Path file = java.nio.file.Files.writeString(folder.resolve("agent.properties"), "host=0.0.0.0\nsecret_file=/s\n");
    assertEquals("10.0.0.7", AgentConfig.load(file, java.util.List.of("host=10.0.0.7")).host());
    assertEquals("'host' is not a key=value setting",
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.load(file, java.util.List.of("host"))).getMessage());
  }

  @Test
  void aBadSettingIsNamed() {
    assertEquals("agent.properties: host is required", problem("secret_file", "/s"));
    assertEquals("agent.properties: unknown settings [memory] (known: [cores, host, memory_mb, port, secret_file, work_dir])",
        problem("host", "h", "secret_file", "/s", "memory", "1g"));
    assertEquals("agent.properties: port must be a positive integer, got 'x'", problem("host", "h", "secret_file", "/s", "port", "x"));
  }
}
