package stacklab.osv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SignerTest {
  private final Signer signer = new Signer("cluster-secret\n");

  @Test
  void onlyTheSameSecretNonceAndLineVerify() {
    String nonce = Signer.nonce();
    String signature = signer.sign(nonce, "STATUS");
    assertTrue(new Signer("cluster-secret").verifies(nonce, "STATUS", signature));
    assertFalse(signer.verifies(Signer.nonce(), "STATUS", signature), "a replay on another connection");
    assertFalse(signer.verifies(nonce, "KILL app=a executor=1", signature), "a changed request");
    assertFalse(new Signer("another-secret").verifies(nonce, "STATUS", signature), "another cluster's secret");
    assertFalse(signer.verifies(nonce, "STATUS", "00"), "a short signature");
  }

  @Test
  void noncesDifferAndSecretsMayNotBeEmpty() {
    assertNotEquals(Signer.nonce(), Signer.nonce());
    assertEquals(32, Signer.nonce().length());
    assertEquals("the cluster's secret is empty", assertThrows(IllegalArgumentException.class, () -> new Signer(" \n")).getMessage());
  }
}
