package dev.slipway.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens and who they belong to, from a file ({@code --tokens FILE}):
 *
 * <pre>
 * tokens:
 * - {subject: alice, groups: [developers], token: "..."}
 * - {subject: ci, groups: [deployers], tokenSha256: "9f86d0..."}
 * </pre>
 *
 * Only SHA-256 digests are kept in memory. A presented token is hashed and compared with every
 * digest by {@link MessageDigest#isEqual} (constant time for equal lengths, and the digests all
 * have the same length), without stopping at the first match, so that the time taken says
 * nothing about which token, or how much of one, was right.
 */
public final class TokenStore {

  private record Entry(byte[] sha256, Principal principal) {}

  private final List<Entry> entries;

  private TokenStore(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static TokenStore empty() {
    return new TokenStore(List.of());
  }

  /**
   * Reads a tokens file.
   *
   * @throws IllegalArgumentException naming the entry that is wrong (never its token)
   */
  public static TokenStore load(Path file) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file, StandardCharsets.UTF_8));
    if (root == null || !root.path("tokens").isArray()) {
      throw new IllegalArgumentException(file + ": expected a 'tokens:' list");
    }
    List<Entry> entries = new ArrayList<>();
    int i = 0;
    for (JsonNode t : root.path("tokens")) {
      String where = file + ": tokens[" + i++ + "]";
      String subject = t.path("subject").asText("");
      if (subject.isBlank()) {
        throw new IllegalArgumentException(where + ": subject is required");
      }
      List<String> groups = new ArrayList<>();
      t.path("groups").forEach(g -> groups.add(g.asText()));
      boolean plain = t.hasNonNull("token");
      boolean hashed = t.hasNonNull("tokenSha256");
      if (plain == hashed) {
        throw new IllegalArgumentException(where + " (" + subject + "): give exactly one of token or tokenSha256");
      }
      byte[] digest;
      if (plain) {
        String token = t.path("token").asText();
        if (token.length() < 16) {
          throw new IllegalArgumentException(where + " (" + subject + "): the token is shorter than 16 characters");
        }
        digest = sha256(token);
      } else {
        try {
          digest = HexFormat.of().parseHex(t.path("tokenSha256").asText().trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
          digest = new byte[0];
        }
        if (digest.length != 32) {
          throw new IllegalArgumentException(where + " (" + subject + "): tokenSha256 must be 64 hexadecimal digits");
        }
      }
      entries.add(new Entry(digest, new Principal(subject, groups, false)));
    }
    return new TokenStore(entries);
  }

  /** Tokens given in code (tests, a Kubernetes Secret read by the caller). */
  public static TokenStore of(List<Principal> principals, List<String> tokens) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < principals.size(); i++) {
      entries.add(new Entry(sha256(tokens.get(i)), principals.get(i)));
    }
    return new TokenStore(entries);
  }

  /** The owner of {@code token}, or empty. */
  public Optional<Principal> authenticate(String token) {
    byte[] presented = sha256(token);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.sha256(), presented) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return entries.size();
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
