package dev.slipway.engine.capacity;

import dev.slipway.model.yaml.Quantities;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Quantity conversions for the planners: CPU in millicores, memory in MiB, both rounded up. */
public final class Resources {
  private Resources() {}

  public static long cpuMillis(String quantity) {
    return Quantities.amount(quantity).multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  public static long memoryMiB(String quantity) {
    return Quantities.amount(quantity).divide(BigDecimal.valueOf(1024L * 1024), 0, RoundingMode.CEILING).longValueExact();
  }

  public static long storageGiB(String quantity) {
    return Quantities.amount(quantity).divide(BigDecimal.valueOf(1024L * 1024 * 1024), 0, RoundingMode.CEILING).longValueExact();
  }
}
