package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.SpecNode;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CIDR blocks as NetworkPolicy {@code ipBlock.cidr} and the ALB's {@code inbound-cidrs} take
 * them: an IPv4 or IPv6 address, '/', a prefix length, and no host bits set below the prefix
 * ({@code 10.0.0.1/16} is refused with the block it likely means).
 */
final class Cidrs {
  private static final Pattern V4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$");
  private static final Pattern V6 = Pattern.compile("^([0-9a-fA-F:]+)/(\\d{1,3})$");

  private Cidrs() {}

  /** Reads a list of CIDRs, reporting each one that is not a CIDR at its position; null when absent. */
  static List<String> check(Fields f, String key, Diagnostics d) {
    List<String> list = f.stringList(key);
    if (list == null) {
      return null;
    }
    SpecNode.ListNode node = (SpecNode.ListNode) f.node().get(key);
    for (int i = 0; i < list.size() && i < node.items().size(); i++) {
      String problem = problem(list.get(i));
      if (problem != null) {
        d.error("spec.invalid-cidr", node.items().get(i).position(), f.path(key) + "[" + i + "]",
            "'" + list.get(i) + "' is not a CIDR block (e.g. 10.0.0.0/16): " + problem);
      }
    }
    return List.copyOf(list);
  }

  /** Null when {@code cidr} is a valid block, else what is wrong with it. */
  static String problem(String cidr) {
    var m4 = V4.matcher(cidr);
    if (m4.matches()) {
      long addr = 0;
      for (int i = 1; i <= 4; i++) {
        int octet = Integer.parseInt(m4.group(i));
        if (octet > 255 || m4.group(i).length() > 1 && m4.group(i).startsWith("0")) {
          return "octet '" + m4.group(i) + "' is not a number from 0 to 255 without leading zeros";
        }
        addr = addr << 8 | octet;
      }
      int prefix = Integer.parseInt(m4.group(5));
      if (prefix > 32) {
        return "an IPv4 prefix length is at most 32";
      }
      long mask = prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
      if ((addr & ~mask & 0xFFFFFFFFL) != 0) {
        long net = addr & mask;
        return "host bits are set; the block is " + (net >> 24 & 255) + "." + (net >> 16 & 255) + "." + (net >> 8 & 255) + "."
            + (net & 255) + "/" + prefix;
      }
      return null;
    }
    var m6 = V6.matcher(cidr);
    if (m6.matches() && m6.group(1).contains(":")) {
      int prefix = Integer.parseInt(m6.group(2));
      if (prefix > 128) {
        return "an IPv6 prefix length is at most 128";
      }
      BigInteger addr = ipv6(m6.group(1));
      if (addr == null) {
        return "'" + m6.group(1) + "' is not an IPv6 address";
      }
      if (addr.and(BigInteger.ONE.shiftLeft(128 - prefix).subtract(BigInteger.ONE)).signum() != 0) {
        return "host bits are set below the /" + prefix + " prefix";
      }
      return null;
    }
    return "expected ADDRESS/PREFIX, e.g. 10.0.0.0/16 or 2600:1f18::/56";
  }

  private static BigInteger ipv6(String s) {
    int gap = s.indexOf("::");
    if (gap != s.lastIndexOf("::")) {
      return null;
    }
    String[] head = gap < 0 ? s.split(":", -1) : s.substring(0, gap).isEmpty() ? new String[0] : s.substring(0, gap).split(":", -1);
    String[] tail = gap < 0 ? new String[0] : s.substring(gap + 2).isEmpty() ? new String[0] : s.substring(gap + 2).split(":", -1);
    int groups = head.length + tail.length;
    if (gap < 0 ? groups != 8 : groups > 7) {
      return null;
    }
    BigInteger v = BigInteger.ZERO;
    String[] all = new String[8];
    for (int i = 0; i < 8; i++) {
      all[i] = "0";
    }
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
    for (String g : all) {
      if (g.isEmpty() || g.length() > 4) {
        return null;
      }
      v = v.shiftLeft(16).or(new BigInteger(g, 16));
    }
    return v;
  }
}
