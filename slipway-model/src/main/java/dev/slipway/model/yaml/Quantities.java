package dev.slipway.model.yaml;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Kubernetes resource quantities: syntax check and conversion to numbers for comparisons. */
public final class Quantities {
  private Quantities() {}

  // The grammar of k8s.io/apimachinery resource.Quantity (decimal or binary SI suffix, or exponent).
  private static final Pattern QUANTITY =
      Pattern.compile("^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(([eE][+-]?\\d+)|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$");

  public static boolean isValid(String s) {
    return s != null && QUANTITY.matcher(s.trim()).matches();
  }

  /** The value in base units (cores for CPU, bytes for memory). */
  public static BigDecimal amount(String s) {
    return Quantity.getAmountInBytes(new Quantity(s.trim()));
  }
}
