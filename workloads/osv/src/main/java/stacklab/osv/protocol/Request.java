package stacklab.osv.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One line of the agent protocol: a command word and {@code key=value} fields, e.g. {@code LAUNCH
 * app=app-1 executor=3 cores=1 memory_mb=512 driver=spark://CoarseGrainedScheduler@10.0.0.1:7078}.
 * Values carry no spaces (ids, numbers, host:port URLs), so a line splits on spaces without quoting.
 * Replies use the same form: {@code OK state=idle} or {@code ERR} with a {@code reason}.
 */
public record Request(String command, Map<String, String> fields) {
  private static final Pattern WORD = Pattern.compile("[A-Z]+");
  private static final Pattern KEY = Pattern.compile("[a-z_]+");

  public Request {
    if (!WORD.matcher(command).matches()) {
      throw new IllegalArgumentException("a command is an upper-case word, got '" + command + "'");
    }
    fields = Map.copyOf(fields);
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (!KEY.matcher(field.getKey()).matches() || field.getValue().isEmpty() || field.getValue().matches(".*\\s.*")) {
        throw new IllegalArgumentException("field " + field.getKey() + "='" + field.getValue() + "' is not a key=value without spaces");
      }
    }
  }

  public static Request of(String command, String... keysAndValues) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      fields.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new Request(command, fields);
  }

  /** A reason travels as one value: its spaces become underscores. */
  public static Request error(String reason) {
    return of("ERR", "reason", reason.strip().replaceAll("\\s+", "_"));
  }

  public static Request parse(String line) {
    String[] words = line.strip().split(" +");
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int equals = words[i].indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("'" + words[i] + "' is not a key=value field");
      }
      fields.put(words[i].substring(0, equals), words[i].substring(equals + 1));
    }
    return new Request(words[0], fields);
  }

  public String field(String key) {
    String value = fields.get(key);
    if (value == null) {
      throw new IllegalArgumentException(command + " needs the field " + key);
    }
    return value;
  }

  public int positive(String key) {
    try {
      int value = Integer.parseInt(field(key));
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, with the field's name
    }
    throw new IllegalArgumentException(key + " must be a positive integer, got '" + fields.get(key) + "'");
  }

  public boolean ok() {
    return command.equals("OK");
  }

  /** Fields in a stable order, so a signed line reads the same on both ends. */
  public String format() {
    StringBuilder line = new StringBuilder(command);
    fields.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(field -> line.append(' ').append(field.getKey()).append('=').append(field.getValue()));
    return line.toString();
  }
}
