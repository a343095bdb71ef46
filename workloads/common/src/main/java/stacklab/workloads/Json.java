package stacklab.workloads;

import java.util.List;
import java.util.Map;

/** Just enough JSON for samples and reports: strings, numbers, booleans, lists and maps (the one
 *  JSON writer of the workloads, spark-perf and storm-admin). */
public final class Json {
  private Json() {}

  public static String of(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    if (value instanceof Double number) {
      // Plain digits (1795303938.708, not 1.795303938708E9), which every JSON reader takes as is.
      return Double.isFinite(number) ? java.math.BigDecimal.valueOf(number).toPlainString() : "null";
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (out.length() > 1) {
          out.append(", ");
        }
        out.append(string(entry.getKey().toString())).append(": ").append(of(entry.getValue()));
      }
      return out.append('}').toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (Object element : list) {
        if (out.length() > 1) {
          out.append(", ");
        }
        out.append(of(element));
      }
      return out.append(']').toString();
    }
    return string(value.toString());
  }

  private static String string(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
