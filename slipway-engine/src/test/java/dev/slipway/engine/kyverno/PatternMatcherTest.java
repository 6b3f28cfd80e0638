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
        // Every element skipped by its conditional anchor: the list, and so the rule, is skipped.
        Arguments.of("l: [{n: c}]", "l: [{(n): a, x: 2}]", "SKIP"),
        Arguments.of("l: [{n: c}, {n: a, x: 2}]", "l: [{(n): a, x: 2}]", "PASS"),
        Arguments.of("l: []", "l: [{(n): a, x: 2}]", "PASS"),
        // A failed conditional anchor skips the whole map, its siblings included.
        Arguments.of("type: ClusterIP\nport: 81", "(type): LoadBalancer\nport: 80", "SKIP"),
        // A scalar pattern against a list checks every element.
        Arguments.of("a: [x, y]", "a: '?*'", "PASS"),
        Arguments.of("a: [x, '']", "a: '?*'", "FAIL"),
        // "&" joins conditions, "|" alternatives.
        Arguments.of("a: 5", "a: '>1 & <10'", "PASS"),
        Arguments.of("a: 15", "a: '>1 & <10'", "FAIL"),
        Arguments.of("a: 0", "a: '>1 & <10 | 0'", "PASS"),
        // Global anchor in list elements (Kyverno's imagePullSecrets example): the rule applies
        // when any element satisfies it, is skipped when none does, and siblings wait for it.
        Arguments.of("containers: [{image: corp.reg.com/a}, {image: nginx}]",
            "containers: [{<(image): 'corp.reg.com/*'}]\nimagePullSecrets: [{name: my-secret}]", "FAIL"),
        Arguments.of("containers: [{image: nginx}]",
            "imagePullSecrets: [{name: my-secret}]\ncontainers: [{<(image): 'corp.reg.com/*'}]", "GLOBAL_SKIP"),
        Arguments.of("containers: [{image: corp.reg.com/a}]\nimagePullSecrets: [{name: my-secret}]",
            "containers: [{<(image): 'corp.reg.com/*'}]\nimagePullSecrets: [{name: my-secret}]", "PASS"),
        // A null pattern asks for null or nothing.
        Arguments.of("b: 1", "a: null", "PASS"),
        Arguments.of("a: 1", "a: null", "FAIL"),
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
