package dev.slipway.engine.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6902's Appendix A examples (A.1–A.16) and RFC 7386's Appendix A table, as tests. */
class JsonPatchTest {
  static final ObjectMapper M = new ObjectMapper();

  static JsonNode json(String s) {
    try {
      return M.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static List<JsonPatch.Operation> ops(String patch) {
    List<JsonPatch.Operation> out = new ArrayList<>();
    for (JsonNode o : json(patch)) {
      out.add(new JsonPatch.Operation(o.path("op").asText(), o.path("path").asText(), o.has("from") ? o.get("from").asText() : null,
          o.get("value")));
    }
    return out;
  }

  static void check(String doc, String patch, String expected) throws Exception {
    JsonNode before = json(doc);
    assertThat(JsonPatch.apply(before, ops(patch))).isEqualTo(json(expected));
    assertThat(before).isEqualTo(json(doc));
  }

  static String failure(String doc, String patch) {
    try {
      JsonPatch.apply(json(doc), ops(patch));
      throw new AssertionError("the patch applied");
    } catch (JsonPatch.PatchException e) {
      return e.index() + ": " + e.getMessage();
    }
  }

  @Test
  void a1AddsAnObjectMember() throws Exception {
    check("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]", "{\"baz\":\"qux\",\"foo\":\"bar\"}");
  }

  @Test
  void a2AddsAnArrayElement() throws Exception {
    check("{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}");
  }

  @Test
  void a3RemovesAnObjectMember() throws Exception {
    check("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\"}");
  }

  @Test
  void a4RemovesAnArrayElement() throws Exception {
    check("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}");
  }

  @Test
  void a5ReplacesAValue() throws Exception {
    check("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
        "{\"baz\":\"boo\",\"foo\":\"bar\"}");
  }

  @Test
  void a6MovesAValue() throws Exception {
    check("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
        "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
        "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}");
  }

  @Test
  void a7MovesAnArrayElement() throws Exception {
    check("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
        "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}");
  }

  @Test
  void a8TestsSucceed() throws Exception {
    check("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
        "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
        "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}");
  }

  @Test
  void a9AFailingTestIsAnErrorOfThatOperation() {
    assertThat(failure("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]"))
        .isEqualTo("0: test failed: /baz is \"qux\", not \"bar\"");
  }

  @Test
  void a10AddsANestedMemberObject() throws Exception {
    check("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
        "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}");
  }

  @Test
  void a11IgnoresUnrecognizedMembers() throws Exception {
    // The extra member "xyz" never reaches an Operation: only op, path, from and value are read.
    check("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]", "{\"foo\":\"bar\",\"baz\":\"qux\"}");
  }

  @Test
  void a12AddingToANonexistentTargetIsAnError() {
    assertThat(failure("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]"))
        .isEqualTo("0: path /baz does not exist");
  }

  @Test
  void a14EscapesTildeAndSlashInPointers() throws Exception {
    check("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]", "{\"/\":9,\"~1\":10}");
    check("{\"a/b\":1}", "[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":2}]", "{\"a/b\":2}");
  }

  @Test
  void a15ComparingStringsAndNumbersFails() {
    assertThat(failure("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]"))
        .isEqualTo("0: test failed: /~01 is 10, not \"10\"");
  }

  @Test
  void a16AddsAnArrayValueAndAppendsWithDash() throws Exception {
    check("{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
        "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}");
  }

  @Test
  void copiesAValueAndTestsNumbersByValue() throws Exception {
    check("{\"a\":{\"b\":1.0}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"},{\"op\":\"test\",\"path\":\"/c/b\",\"value\":1}]",
        "{\"a\":{\"b\":1.0},\"c\":{\"b\":1.0}}");
  }

  @Test
  void namesTheFailingOperationAndLeavesTheInputAsItWas() {
    String doc = "{\"a\":[1,2]}";
    assertThat(failure(doc, "[{\"op\":\"remove\",\"path\":\"/a/0\"},{\"op\":\"remove\",\"path\":\"/a/5\"}]"))
        .isEqualTo("1: path /a/5: index 5 is out of range (the array has 1 items)");
    assertThat(failure(doc, "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":1}]")).isEqualTo("0: path /b does not exist");
    assertThat(failure(doc, "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/0\"}]")).startsWith("0: cannot move /a into its own child");
    assertThat(failure(doc, "[{\"op\":\"add\",\"path\":\"/a/x\",\"value\":1}]")).contains("'x' is not an array index (use '-' to append)");
  }

  @Test
  void rejectsMalformedPointers() {
    assertThatThrownBy(() -> JsonPatch.parts("a/b")).hasMessageContaining("must be empty or start with '/'");
    assertThatThrownBy(() -> JsonPatch.parts("/a~2")).hasMessageContaining("'~' must be written '~0'");
  }

  @Test
  void mergePatchFollowsRfc7386AppendixA() {
    String[][] table = {
        {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
        {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
        {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
        {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
        {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
        {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
        {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
        {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
        {"{\"a\":\"foo\"}", "null", "null"},
        {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
        {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
        {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
        {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"}};
    for (String[] row : table) {
      assertThat(JsonPatch.merge(json(row[0]), json(row[1]))).as(row[0] + " + " + row[1]).isEqualTo(json(row[2]));
    }
  }
}
