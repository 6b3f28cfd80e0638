package dev.slipway.engine.validate;

/**
 * One validation failure inside an object.
 *
 * @param pointer JSON pointer to the offending value, e.g. {@code /spec/replicas}
 */
public record Problem(String pointer, String message) {

  /** The pointer as a dotted field path ({@code spec.template.spec.containers[0].image}). */
  public String fieldPath() {
    StringBuilder sb = new StringBuilder();
    for (String part : pointer.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String p = part.replace("~1", "/").replace("~0", "~");
      if (p.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(p).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(p);
      }
    }
    return sb.toString();
  }
}
