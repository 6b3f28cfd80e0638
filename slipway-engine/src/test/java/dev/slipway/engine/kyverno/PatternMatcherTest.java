package dev.slipway.engine.kyverno;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Kyverno pattern semantics, one line each: resource, pattern, expected outcome. */
class PatternMatcherTest {
  static JsonNode yaml(String s) {
    try {
      return new YAMLMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a: nginx:1.2", "a: '*:*'", "PASS"),
        Arguments.of("a: nginx", "a: '*:*'", "FAIL"),
        Arguments.of("a: nginx:latest", "a: '!*:latest'", "FAIL"),
        Arguments.of("a: ''", "a: '?*'", "FAIL"),
        Arguments.of("a: x", "a: 'y | x'", "PASS"),
        Arguments.of("a: 5", "a: '>3'", "PASS"),
        Arguments.of("a: 2Gi", "a: '<=1Gi'", "FAIL"),
        Arguments.of("a: 5500", "a: 5000-6000", "PASS"),
        Arguments.of("a: 7000", "a: 5000!-6000", "PASS"),
        Arguments.of("a: 1024Mi", "a: 1Gi", "PASS"),
        Arguments.of("b: 1", "=(a): x", "PASS"),
        Arguments.of("a: y", "=(a): x", "FAIL"),
        Arguments.of("a: 1", "X(a): null", "FAIL"),
        Arguments.of("type: ClusterIP", "(type): LoadBalancer\nport: 80", "SKIP"),
        Arguments.of("type: LoadBalancer\nport: 81", "(type): LoadBalancer\nport: 80", "FAIL"),
        Arguments.of("spec: {type: NodePort}", "spec: {<(type): LoadBalancer}", "GLOBAL_SKIP"),
        Arguments.of("l: [{n: a}, {n: b}]", "^(l): [{n: b}]", "PASS"),
        Arguments.of("l: [{n: a}, {n: b}]", "l: [{n: a}]", "FAIL"),
        Arguments.of("l: [{n: a, x: 1}, {n: b}]", "l: [{(n): a, x: 2}]", "FAIL"),
        Arguments.of("l: [{n: c}]", "l: [{(n): a, x: 2}]", "PASS"),
        Arguments.of("m: {k1: v, k2: w}", "m: {'k*': '?*'}", "PASS"),
        Arguments.of("m: {other: v}", "m: {=(k*): x}", "PASS"),
        Arguments.of("a: true", "a: true", "PASS"),
        Arguments.of("a: 'true'", "a: false", "FAIL"));
  }

  @ParameterizedTest(name = "{0} against {1}")
  @MethodSource("cases")
  void matchesLikeKyverno(String resource, String pattern, String expected) {
    assertThat(PatternMatcher.match(yaml(resource), yaml(pattern), "").kind().name()).isEqualTo(expected);
  }
}
