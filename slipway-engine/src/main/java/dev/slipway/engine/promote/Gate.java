package dev.slipway.engine.promote;

/**
 * One promotion gate as evaluated: its name ({@code route}, {@code policy}, {@code source},
 * {@code soak}, {@code approval}, {@code pin}), whether it passed and why, in words a person acts on.
 *
 * @param forced whether it failed and {@code --force} let it pass (only the pin gate can be forced)
 */
public record Gate(String name, boolean passed, String reason, boolean forced) {
  public static Gate pass(String name, String reason) {
    return new Gate(name, true, reason, false);
  }

  public static Gate fail(String name, String reason) {
    return new Gate(name, false, reason, false);
  }

  public String label() {
    return forced ? "forced" : passed ? "pass" : "fail";
  }
}
