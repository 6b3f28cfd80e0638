package dev.slipway.model;

import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small platform repositories to a temp dir and loads them as the CLI does. */
public final class SpecFixture {
  public static final String PLATFORM = """
      apiVersion: slipway.dev/v1alpha1
      kind: Platform
      metadata: {name: test}
      spec:
        region: us-east-1
        addons:
          ingress: {class: alb}
          secrets: {store: aws-secretsmanager, refreshInterval: 15s}
          metrics: {serviceMonitor: true}
          autoscaling: {engine: keda}
        environments:
        - name: dev
          domain: dev.example.com
        - name: prod
          domain: example.com
          promotion: {from: dev}
          policy: {enforcement: enforce}
          defaults: {replicas: 3}
      """;

  private SpecFixture() {}

  public static Path write(Path dir, String platform, String... apps) {
    try {
      Files.writeString(dir.resolve("slipway.yaml"), platform);
      for (int i = 0; i < apps.length; i++) {
        Path app = dir.resolve("apps").resolve("app" + i);
        Files.createDirectories(app);
        Files.writeString(app.resolve("app.yaml"), apps[i]);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads and resolves every application in every environment; returns all diagnostics. */
  public static List<Diagnostic> diagnostics(Path dir) {
    Workspace ws = Workspace.load(dir);
    Diagnostics d = new Diagnostics();
    d.addAll(ws.diagnostics().list());
    if (ws.platform() != null) {
      for (EnvironmentSpec env : ws.platform().environments()) {
        for (ApplicationSpec app : ws.applications()) {
          ComponentResolver.resolve(app, env, d);
        }
      }
    }
    return d.list();
  }

  public static String app(String components) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
        """ + components.indent(4);
  }
}
