package dev.slipway.engine.policy;

import java.util.regex.Pattern;

/** Names that say a variable holds a secret; the baseline's rule and {@code --explain} agree on them. */
public final class SecretNames {
  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY).*", Pattern.CASE_INSENSITIVE);

  private SecretNames() {}

  public static boolean looksLikeSecret(String name) {
    return SECRET_NAME.matcher(name).matches();
  }
}
