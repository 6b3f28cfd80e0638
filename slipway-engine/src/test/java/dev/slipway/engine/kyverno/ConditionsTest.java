package dev.slipway.engine.kyverno;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kyverno's condition operators, from its documentation on preconditions and deny rules: key, operator, value, result. */
class ConditionsTest {
  @ParameterizedTest(name = "{0} {1} {2} = {3}")
  @CsvSource(delimiterString = " ; ", quoteCharacter = '~', value = {
      // wildcards on the value side and on the key side of the set operators
      "[prod-eu, dev]  ; AnyIn    ; ['prod-*']        ; true",
      "'prod-*'        ; AnyIn    ; [prod-eu, dev]    ; true",
      "['team-*']      ; AllIn    ; [team-a, team-b]  ; true",
      "[a, b]          ; AllIn    ; [a]               ; false",
      "'x-*'           ; AllNotIn ; [a, b]            ; true",
      "'a*'            ; AnyNotIn ; [a1, a2]          ; false",
      "[8080, 9000]    ; AnyNotIn ; ['8000-8999']     ; true",
      "[8080]          ; AllIn    ; ['8000-8999']     ; true",
      // null operands
      "null            ; Equals   ; null              ; true",
      "null            ; NotEquals ; ''                ; true",
      "null            ; AnyIn    ; [a]               ; false",
      "a               ; AnyIn    ; null              ; false",
      // numbers, quantities and durations
      "'1Gi'           ; GreaterThan ; '1000Mi'       ; true",
      "'90s'           ; DurationGreaterThan ; '1m'   ; true",
  })
  void evaluatesLikeKyverno(String key, String operator, String value, boolean expected) throws Exception {
    YAMLMapper y = new YAMLMapper();
    JsonNode c = y.createObjectNode().put("operator", operator.trim())
        .<com.fasterxml.jackson.databind.node.ObjectNode>set("key", y.readTree(key))
        .set("value", y.readTree(value));
    assertThat(Conditions.condition(c, y.createObjectNode())).isEqualTo(expected);
  }
}
