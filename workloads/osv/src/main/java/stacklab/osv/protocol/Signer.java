package stacklab.osv.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks requests with the cluster's secret (the one Spark's RPC authenticates with):
 * HMAC-SHA256 over the connection's nonce and the request line. The secret never travels; a
 * request recorded on one connection is refused on any other (its nonce differs).
 */
public final class Signer {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String secret;
  private final SecretKeySpec key;

  public Signer(String secret) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("the cluster's secret is empty");
    }
    this.secret = secret.strip();
    this.key = new SecretKeySpec(this.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  public static Signer fromFile(Path file) {
    try {
      return new Signer(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("can't read the cluster's secret from " + file + ": " + e.getMessage(), e);
    }
  }

  /** The secret itself, for the executors this agent starts (they authenticate with it too). */
  public String secret() {
    return secret;
  }

  public static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public String sign(String nonce, String line) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal((nonce + ' ' + line).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  /** Constant-time: how much of a forged signature matches leaks nothing. */
  public boolean verifies(String nonce, String line, String signature) {
    return MessageDigest.isEqual(
        sign(nonce, line).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
  }
}
