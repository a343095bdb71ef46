package stacklab.osv.agent;

import java.util.List;
import stacklab.osv.protocol.Request;

/** A driver's request for an executor: which application, its id there, and what it may use. */
record Launch(String app, String executorId, String driverUrl, int cores, int memoryMb) {
  static Launch of(Request request) {
    String driverUrl = request.field("driver");
    if (!driverUrl.startsWith("spark://")) {
      throw new IllegalArgumentException("driver must be a spark:// RPC address, got '" + driverUrl + "'");
    }
    return new Launch(
        request.field("app"), request.field("executor"), driverUrl, request.positive("cores"), request.positive("memory_mb"));
  }

  /** CoarseGrainedExecutorBackend's arguments, as a standalone Worker passes them. */
  List<String> executorArguments(String host) {
    return List.of(
        "--driver-url", driverUrl,
        "--executor-id", executorId,
        "--bind-address", host,
        "--hostname", host,
        "--cores", Integer.toString(cores),
        "--app-id", app,
        "--resourceProfileId", "0");
  }
}
