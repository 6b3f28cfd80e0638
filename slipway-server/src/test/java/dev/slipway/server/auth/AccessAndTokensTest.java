package dev.slipway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessAndTokensTest {
  private static final Principal DEV = new Principal("alice", List.of("developers", "oncall"), false);

  @Test
  void highestRoleOfAnyGroupWinsAndAbsentEnvironmentsMeanAll() {
    AccessPolicy p = AccessPolicy.fromList(List.of(
        Map.of("group", "developers", "role", "viewer"),
        Map.of("group", "developers", "role", "deployer", "environments", List.of("dev")),
        Map.of("group", "oncall", "role", "admin", "environments", List.of("prod"))), Optional.empty());
    assertThat(p.roleIn(DEV, "dev")).hasValue(Role.DEPLOYER);
    assertThat(p.roleIn(DEV, "staging")).hasValue(Role.VIEWER);
    assertThat(p.roleIn(DEV, "prod")).hasValue(Role.ADMIN);
    assertThat(p.roleIn(new Principal("bob", List.of("strangers"), false), "dev")).isEmpty();
    assertThat(p.allows(DEV, "staging", Role.DEPLOYER)).isFalse();
  }

  @Test
  void anonymousCallersGetTheAnonymousRoleOrNothing() {
    assertThat(new AccessPolicy(List.of(), Optional.empty()).roleIn(Principal.ANONYMOUS, "dev")).isEmpty();
    assertThat(new AccessPolicy(List.of(), Optional.of(Role.VIEWER)).roleIn(Principal.ANONYMOUS, "dev")).hasValue(Role.VIEWER);
  }

  @Test
  void accessListEntriesWithoutGroupOrWithUnknownRoleAreRefusedByIndex() {
    assertThatThrownBy(() -> AccessPolicy.fromList(List.of(Map.of("role", "viewer")), Optional.empty()))
        .hasMessageContaining("access[0]").hasMessageContaining("group");
    assertThatThrownBy(() -> AccessPolicy.fromList(List.of(Map.of("group", "g", "role", "viewer"), Map.of("group", "g", "role", "owner")),
        Optional.empty())).hasMessageContaining("access[1]").hasMessageContaining("owner");
  }

  @Test
  void tokensFileAcceptsPlainAndHashedTokens(@TempDir Path dir) throws Exception {
    String hashed = HexFormat.of().formatHex(TokenStore.sha256("ci-token-abcdefghijklmnop"));
    Path file = dir.resolve("tokens.yaml");
    Files.writeString(file, """
        tokens:
        - {subject: alice, groups: [developers], token: "alice-token-0123456789"}
        - subject: ci
          groups: [deployers]
          tokenSha256: "%s"
        """.formatted(hashed.toUpperCase(java.util.Locale.ROOT)));
    TokenStore store = TokenStore.load(file);
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.authenticate("alice-token-0123456789").map(Principal::subject)).hasValue("alice");
    assertThat(store.authenticate("ci-token-abcdefghijklmnop").map(Principal::groups)).hasValue(List.of("deployers"));
    assertThat(store.authenticate("alice-token-012345678")).isEmpty();
    assertThat(store.authenticate("")).isEmpty();
  }

  @Test
  void tokensFileErrorsNameTheEntryButNeverTheToken(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens.yaml");
    Files.writeString(file, "tokens:\n- {subject: bob, token: short-secret}\n");
    assertThatThrownBy(() -> TokenStore.load(file)).hasMessageContaining("tokens[0] (bob)").hasMessageContaining("shorter than 16")
        .hasMessageNotContaining("short-secret");
    Files.writeString(file, "tokens:\n- {subject: bob, token: aaaaaaaaaaaaaaaaaaaa, tokenSha256: abcd}\n");
    assertThatThrownBy(() -> TokenStore.load(file)).hasMessageContaining("exactly one of token or tokenSha256");
    Files.writeString(file, "tokens:\n- {subject: bob, tokenSha256: nothex}\n");
    assertThatThrownBy(() -> TokenStore.load(file)).hasMessageContaining("64 hexadecimal digits");
    Files.writeString(file, "users: []\n");
    assertThatThrownBy(() -> TokenStore.load(file)).hasMessageContaining("'tokens:'");
  }
}
