package dev.slipway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs the CLI in-process and captures what a user would see. */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** A fresh copy of the bundled example, so tests can write out/ and edit specs. */
  static Path example(Path tmp) {
    return copy(Path.of("..", "examples", "acme"), tmp);
  }

  /** A fresh copy of the platform directory {@code src} (without its out/) in {@code tmp}. */
  static Path copy(Path src, Path tmp) {
    try (Stream<Path> w = Files.walk(src)) {
      for (Path p : w.filter(Files::isRegularFile).filter(p -> !src.relativize(p).startsWith("out")).toList()) {
        Path target = tmp.resolve(src.relativize(p).toString());
        Files.createDirectories(target.getParent());
        Files.copy(p, target);
      }
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh copy of a platform among the test resources ({@code /escape-hatches}). */
  static Path resource(String name, Path tmp) {
    try {
      return copy(Path.of(CliRun.class.getResource(name).toURI()), tmp);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static SortedMap<String, String> tree(Path dir) {
    SortedMap<String, String> files = new TreeMap<>();
    try (Stream<Path> w = Files.walk(dir)) {
      for (Path p : w.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), Files.readString(p));
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A kubeconfig at {@code file} whose context acme-dev (the example's dev environment) reaches {@code server}. */
  static Path kubeconfig(Path file, String server) {
    try {
      Files.writeString(file, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster: {server: "%s", insecure-skip-tls-verify: true}
          users:
          - name: me
            user: {token: test}
          contexts:
          - name: acme-dev
            context: {cluster: mock, user: me}
          current-context: acme-dev
          """.formatted(server));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
