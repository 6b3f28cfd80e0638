package dev.slipway.engine.kyverno;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Kyverno's JMESPath functions, case by case from Kyverno's documentation (the "JMESPath" page of
 * writing policies): each row is an expression and the JSON it must give.
 */
class KyvernoFunctionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode eval(String expression) throws Exception {
    return Variables.query(expression, JSON.readTree("{\"labels\": {\"app\": \"web\", \"tier\": \"front\"}, \"n\": 7}"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiterString = " ==> ", quoteCharacter = '~', value = {
      // arithmetic: numbers with numbers, quantities with quantities, durations with durations
      "add(`1`, `2`) ==> 3",
      "add(`1.5`, `2`) ==> 3.5",
      "add('1Gi', '512Mi') ==> \"1536Mi\"",
      "add('500m', '500m') ==> \"1\"",
      "add('1h', '30m0s') ==> \"1h30m0s\"",
      "add('10', '5') ==> \"15\"",
      "subtract(`10`, `3`) ==> 7",
      "subtract('2Gi', '1Gi') ==> \"1Gi\"",
      "subtract('1s', '1500ms') ==> \"-500ms\"",
      "multiply(`3`, `4`) ==> 12",
      "multiply('250m', `3`) ==> \"750m\"",
      "multiply(`2`, '1Gi') ==> \"2Gi\"",
      "multiply('90s', `2`) ==> \"3m0s\"",
      "divide(`10`, `4`) ==> 2.5",
      "divide('1Gi', '512Mi') ==> 2",
      "divide('1Gi', `2`) ==> \"512Mi\"",
      "divide('500m', `3`) ==> \"166m\"",
      "divide('1', `3`) ==> \"0\"",
      "divide('1h', '30m0s') ==> 2",
      "divide('1h', `4`) ==> \"15m0s\"",
      "modulo(`7`, `3`) ==> 1",
      "modulo('10', '3') ==> \"1\"",
      "modulo('1h', '25m0s') ==> \"10m0s\"",
      "round(`3.14159`, `2`) ==> 3.14",
      "round(`2.5`, `0`) ==> 3",
      "sum([`1`, `2`, `3.5`]) ==> 6.5",
      "sum(['1Gi', '1Gi']) ==> \"2Gi\"",
      "sum(['1m0s', '30s']) ==> \"1m30s\"",
      // strings
      "compare('a', 'b') ==> -1",
      "compare('b', 'b') ==> 0",
      "equal_fold('Go', 'GO') ==> true",
      "replace('oink oink oink', 'k', 'ky', `2`) ==> \"oinky oinky oink\"",
      "replace('oink oink oink', 'oink', 'moo', `-1`) ==> \"moo moo moo\"",
      "replace_all('a-b-c', '-', '+') ==> \"a+b+c\"",
      "to_upper('abc') ==> \"ABC\"",
      "to_lower('ABC') ==> \"abc\"",
      "trim('¡¡¡Hello, Gophers!!!', '!¡') ==> \"Hello, Gophers\"",
      "trim_prefix('nginx:1.2', 'nginx:') ==> \"1.2\"",
      "trim_suffix('app.yaml', '.yaml') ==> \"app\"",
      "trim_suffix('app.yaml', '.json') ==> \"app.yaml\"",
      "split('a,b,c', ',') ==> [\"a\",\"b\",\"c\"]",
      "split('abc', '') ==> [\"a\",\"b\",\"c\"]",
      "truncate('Lorem ipsum', `5`) ==> \"Lorem\"",
      "truncate('Lorem', `9`) ==> \"Lorem\"",
      "truncate('Lorem', `-1`) ==> \"\"",
      "regex_match('^[0-9]+$', '123') ==> true",
      "regex_match('^[0-9]+$', `123`) ==> true",
      "regex_match('^[a-z]+$', '123') ==> false",
      "regex_replace_all('([Hh]e|G)l', 'Hello, Gophers', '${1}y') ==> \"Heylo, Gophers\"",
      "regex_replace_all('^(\\d+)$', `8080`, 'port-$1') ==> \"port-8080\"",
      "regex_replace_all_literal('[Hh]el', 'Hello, hello', '$1') ==> \"$1lo, $1lo\"",
      "pattern_match('prod-*', 'prod-eu') ==> true",
      "pattern_match('prod-?', 'prod-eu') ==> false",
      "to_boolean('TRUE') ==> true",
      "to_boolean('false') ==> false",
      // encoding and hashing
      "base64_encode('hello') ==> \"aGVsbG8=\"",
      "base64_decode('aGVsbG8=') ==> \"hello\"",
      "sha256('hello') ==> \"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"",
      "md5('hello') ==> \"5d41402abc4b2a76b9719d911017c592\"",
      // structures
      "parse_json('{\"a\": [1, 2]}').a[1] ==> 2",
      "parse_yaml('a: {b: true}').a.b ==> true",
      "items(labels, 'key', 'value') ==> [{\"key\":\"app\",\"value\":\"web\"},{\"key\":\"tier\",\"value\":\"front\"}]",
      "items(['x', 'y'], 'i', 'v') ==> [{\"i\":0,\"v\":\"x\"},{\"i\":1,\"v\":\"y\"}]",
      "object_from_lists(['a', 'b'], [`1`]) ==> {\"a\":1,\"b\":null}",
      "lookup(labels, 'app') ==> \"web\"",
      "lookup(labels, 'none') ==> null",
      "lookup(['a', 'b'], `1`) ==> \"b\"",
      "lookup(['a', 'b'], `5`) ==> null",
      "label_match({app: 'web'}, labels) ==> true",
      "label_match({app: 'db'}, labels) ==> false",
      "path_canonicalize('/etc//kubernetes/../passwd') ==> \"/etc/passwd\"",
      "path_canonicalize('//var/./run') ==> \"/var/run\"",
      "semver_compare('1.2.3', '>1.0.0 <2.0.0') ==> true",
      "semver_compare('2.1.0', '>1.0.0 <2.0.0 || >=3.0.0') ==> false",
      "semver_compare('1.0.0-rc.1', '<1.0.0') ==> true",
      "semver_compare('1.2.7', '1.2.x') ==> true",
      "semver_compare('4.1.3', '>=4.1.x') ==> true",
      "semver_compare('4.1.3', '!4.x.x') ==> false",
      "semver_compare('4.2.0', '>4.1.x') ==> true",
      "semver_compare('4.1.9', '<=4.1.x') ==> true",
      // images and URLs
      "image_normalize('nginx') ==> \"docker.io/nginx:latest\"",
      "image_normalize('ghcr.io/acme/app:1.0') ==> \"ghcr.io/acme/app:1.0\"",
      "image_normalize('nginx@sha256:abc') ==> \"docker.io/nginx@sha256:abc\"",
      "image_normalize('docker.io/library/nginx') ==> \"docker.io/library/nginx:latest\"",
      "image_reference('nginx') ==> {\"registry\":\"docker.io\",\"repository\":\"docker.io/library/nginx\",\"tag\":null,\"digest\":null}",
      "image_reference('localhost:5000/a/b:1@sha256:f') ==> {\"registry\":\"localhost:5000\",\"repository\":\"localhost:5000/a/b\",\"tag\":\"1\",\"digest\":\"sha256:f\"}",
      "is_external_url('https://example.com/x') ==> true",
      "is_external_url('http://127.0.0.1:8080') ==> false",
      "is_external_url('http://10.0.0.1') ==> false",
      "is_external_url('http://localhost/') ==> false",
      // time
      "time_add('2023-01-01T00:00:00Z', '1h30m') ==> \"2023-01-01T01:30:00Z\"",
      "time_after('2023-01-02T00:00:00Z', '2023-01-01T00:00:00Z') ==> true",
      "time_before('2023-01-02T00:00:00Z', '2023-01-01T00:00:00Z') ==> false",
      "time_between('2023-01-02T00:00:00Z', '2023-01-01T00:00:00Z', '2023-01-03T00:00:00Z') ==> true",
      "time_between('2023-01-01T00:00:00Z', '2023-01-01T00:00:00Z', '2023-01-03T00:00:00Z') ==> false",
      "time_diff('2023-01-01T00:00:00Z', '2023-01-01T02:00:30Z') ==> \"2h0m30s\"",
      "time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Fri Jun 22 2022 17:45:00 +0100') ==> \"2022-06-22T17:45:00+01:00\"",
      "time_parse('1136214245', '1136214245') ==> \"2006-01-02T15:04:05Z\"",
      "time_parse('2006-01-02', '2024-03-05') ==> \"2024-03-05T00:00:00Z\"",
      "time_since('', '2023-01-01T00:00:00Z', '2023-01-01T00:01:00Z') ==> \"1m0s\"",
      "time_to_cron('2022-06-22T17:45:00Z') ==> \"45 17 22 6 3\"",
      "time_truncate('2023-05-17T13:47:21Z', '1h') ==> \"2023-05-17T13:00:00Z\"",
      "time_utc('2023-01-01T02:00:00+02:00') ==> \"2023-01-01T00:00:00Z\"",
  })
  void evaluatesLikeKyverno(String expression, String expected) throws Exception {
    assertThat(eval(expression)).isEqualTo(JSON.readTree(expected));
  }

  @ParameterizedTest(name = "{0} fails: {1}")
  @CsvSource(delimiterString = " ==> ", quoteCharacter = '~', value = {
      "add(`1`, '1Gi') ==> do not match",
      "add('1Gi', '1h') ==> do not match",
      "add('1m', '1s') ==> do not match",
      "subtract(`1`, '1s') ==> do not match",
      "multiply('1Gi', '1Gi') ==> do not match",
      "multiply('1h', '1h') ==> do not match",
      "divide(`1`, '1Gi') ==> do not match",
      "divide(`1`, `0`) ==> Zero divisor",
      "divide('1Gi', '0') ==> Zero divisor",
      "divide('1h', '0s') ==> Zero divisor",
      "modulo(`5`, `0`) ==> Zero divisor",
      "modulo(`5.5`, `2`) ==> Non-integer",
      "modulo('1Gi', '1h') ==> do not match",
      "add('abc', `1`) ==> invalid operands",
      "sum(`[]`) ==> non-empty",
      "sum([`1`, '1Gi']) ==> do not match",
      "round(`1.5`, `-1`) ==> non-negative",
      "to_boolean('yes') ==> neither true nor false",
      "base64_decode('***') ==> not valid base64",
      "parse_json('{') ==> cannot parse",
      "lookup(labels, `1`) ==> must be a string",
      "time_add('yesterday', '1h') ==> not an RFC 3339 time",
      "semver_compare('1.2', '>1.0.0') ==> not a semantic version",
      "x509_decode('not a cert') ==> not a PEM certificate",
      "image_normalize('') ==> invalid reference format",
  })
  void failsAsKyvernoDocuments(String expression, String message) {
    assertThatThrownBy(() -> eval(expression)).isInstanceOf(Variables.VariableException.class).hasMessageContaining(message);
  }

  @Test
  void timeNowReadsTheEvaluationsClock() {
    Clock clock = Clock.fixed(Instant.parse("2024-02-29T12:34:56Z"), ZoneOffset.UTC);
    JsonNode now = Variables.withClock(clock, () -> {
      try {
        return Variables.query("[time_now_utc(), time_since('', '2024-02-29T12:00:00Z', '')]", JSON.createObjectNode());
      } catch (Variables.VariableException e) {
        throw new AssertionError(e);
      }
    });
    assertThat(now.get(0).asText()).isEqualTo("2024-02-29T12:34:56Z");
    assertThat(now.get(1).asText()).isEqualTo("34m56s");
  }

  @Test
  void randomMatchesItsPattern() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(eval("random('[0-9a-z]{5}-(ab|cd)\\d?')").asText()).matches("[0-9a-z]{5}-(ab|cd)\\d?");
    }
  }

  @Test
  void decodesACertificate() throws Exception {
    String pem = new String(getClass().getResourceAsStream("/kyverno/acme-ca.pem").readAllBytes(), StandardCharsets.UTF_8);
    JsonNode cert = Variables.query("x509_decode(pem)", JSON.createObjectNode().put("pem", pem));
    assertThat(cert.path("Subject").path("CommonName").asText()).isEqualTo("acme.example");
    assertThat(cert.path("Subject").path("Organization")).isEqualTo(JSON.readTree("[\"Acme\"]"));
    assertThat(cert.path("Issuer").path("Country")).isEqualTo(JSON.readTree("[\"DE\"]"));
    assertThat(cert.path("IsCA").asBoolean()).isTrue();
    assertThat(cert.path("DNSNames")).isEqualTo(JSON.readTree("[\"acme.example\", \"www.acme.example\"]"));
    assertThat(cert.path("NotAfter").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(cert.path("PublicKeyAlgorithm").asInt()).isEqualTo(1);
    assertThat(cert.path("SignatureAlgorithm").asInt()).isEqualTo(4);
    assertThat(cert.path("PublicKey").path("E").asInt()).isEqualTo(65537);
    assertThat(cert.path("PublicKey").path("N").isTextual()).isTrue();
    assertThat(cert.path("MaxPathLen").asInt()).isEqualTo(-1);
    assertThat(cert.path("Subject").path("Names").get(0)).isEqualTo(JSON.readTree("{\"Type\": [2,5,4,6], \"Value\": \"DE\"}"));
    assertThat(cert.path("Raw").asText()).isNotEmpty();
  }

  @Test
  void numbersReadAsGoPrintsThemInsideStrings() throws Exception {
    assertThat(Variables.substitute("replicas: {{ add(`1`, `2`) }}, ratio {{ divide(`1`, `4`) }}", JSON.createObjectNode()).asText())
        .isEqualTo("replicas: 3, ratio 0.25");
  }

  @Test
  void nestedVariablesResolveInnermostFirst() throws Exception {
    JsonNode ctx = JSON.readTree("{\"request\": {\"object\": {\"data\": {\"key\": \"app\"}, \"labels\": {\"app\": \"web\"}}}}");
    assertThat(Variables.substitute("{{ request.object.labels.\"{{ request.object.data.key }}\" }}", ctx).asText()).isEqualTo("web");
    assertThat(Variables.substitute("{{ to_upper('{{ request.object.labels.app }}') }}-x", ctx).asText()).isEqualTo("WEB-x");
  }
}
