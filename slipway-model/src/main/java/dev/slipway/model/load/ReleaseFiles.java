package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ApprovalsSpec;
import dev.slipway.model.spec.ApprovalsSpec.Approval;
import dev.slipway.model.spec.ReleaseSpec;
import dev.slipway.model.spec.ReleaseSpec.ReleaseImage;
import dev.slipway.model.spec.ImageReference;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.YamlLoader;
import dev.slipway.model.yaml.YamlLoader.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The release files of a platform: {@code releases/<env>/<app>.yaml}, the release each promoted
 * environment runs, and {@code releases/<env>/<app>.approvals.yaml}, the approvals its next
 * candidate has. Read with positions (an unreadable or inconsistent file is an error with
 * file:line, so an environment never silently falls back to app.yaml's images); written as
 * deterministic text, so that a promotion is a small reviewable Git diff.
 */
public final class ReleaseFiles {
  public static final String DIRECTORY = "releases";
  static final String APPROVALS_SUFFIX = ".approvals.yaml";

  private ReleaseFiles() {}

  /** The release file of an application in an environment, relative to the platform directory. */
  public static String releasePath(String environment, String application) {
    return DIRECTORY + "/" + environment + "/" + application + ".yaml";
  }

  /** The approvals file of an application in an environment, relative to the platform directory. */
  public static String approvalsPath(String environment, String application) {
    return DIRECTORY + "/" + environment + "/" + application + APPROVALS_SUFFIX;
  }

  /**
   * Every release file under {@code releases/}: environment → application → release. A file for
   * an environment that is not the platform's, or for an application that does not exist, is an
   * error (it would otherwise be ignored while someone believes it holds an environment back).
   */
  public static SortedMap<String, SortedMap<String, ReleaseSpec>> load(Path root, List<String> environments,
      List<ApplicationSpec> applications, Diagnostics d) {
    SortedMap<String, SortedMap<String, ReleaseSpec>> out = new TreeMap<>();
    Path dir = root.resolve(DIRECTORY);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    Map<String, ApplicationSpec> apps = new TreeMap<>();
    applications.forEach(a -> apps.put(a.name(), a));
    try (Stream<Path> envDirs = Files.list(dir)) {
      for (Path envDir : envDirs.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
        String env = envDir.getFileName().toString();
        String label = DIRECTORY + "/" + env;
        if (!Files.isDirectory(envDir, LinkOption.NOFOLLOW_LINKS)) {
          d.warning(Workspace.IGNORED, Position.file(label), "", label + " is not read: releases/ holds one folder per environment");
          continue;
        }
        if (!environments.contains(env)) {
          d.error("release.unknown-environment", Position.file(label), "", label + " is not an environment of the platform"
              + dev.slipway.model.yaml.Suggest.hint(env, environments) + "; environments: " + String.join(", ", environments));
          continue;
        }
        try (Stream<Path> files = Files.list(envDir)) {
          for (Path file : files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
            String name = file.getFileName().toString();
            if (name.endsWith(APPROVALS_SUFFIX)) {
              continue;
            }
            String fileLabel = label + "/" + name;
            if (!name.endsWith(".yaml")) {
              d.warning(Workspace.IGNORED, Position.file(fileLabel), "", fileLabel + " is not read: release files are releases/<env>/<app>.yaml");
              continue;
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
              d.error("release.unreadable", Position.file(fileLabel), "", fileLabel + " is not a file (releases/<env>/<app>.yaml)");
              continue;
            }
            String app = name.substring(0, name.length() - ".yaml".length());
            ReleaseSpec r = readRelease(file, fileLabel, d);
            if (r == null) {
              continue;
            }
            check(r, env, app, apps.get(app), fileLabel, d);
            out.computeIfAbsent(env, k -> new TreeMap<>()).put(app, r);
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      d.error("io.read", Position.file(DIRECTORY), "", "cannot list " + DIRECTORY + "/: " + e.getMessage());
    }
    return out;
  }

  private static void check(ReleaseSpec r, String env, String app, ApplicationSpec spec, String label, Diagnostics d) {
    if (!env.equals(r.environment()) || !app.equals(r.application())) {
      d.error("release.misplaced", r.position(), "spec", label + " holds the release of " + r.application() + " in " + r.environment()
          + "; it belongs in " + releasePath(r.environment(), r.application()));
    }
    if (spec == null) {
      d.error("release.unknown-application", r.position(), "spec.application",
          label + " is the release of application '" + app + "', which has no apps/" + app + "/app.yaml; remove the file");
      return;
    }
    for (String component : r.images().keySet()) {
      if (!spec.components().containsKey(component)) {
        // A component removed from app.yaml after the promotion: its image has nothing left to run.
        d.warning("release.unknown-component", r.position(), "spec.images." + component, label + ": application '" + app
            + "' has no component '" + component + "'" + dev.slipway.model.yaml.Suggest.hint(component, spec.components().keySet())
            + "; its image is not used (the next promotion drops it)");
      }
    }
  }

  /** One release file; null (with diagnostics) when it cannot be read. */
  public static ReleaseSpec readRelease(Path file, String label, Diagnostics d) {
    Fields top = top(file, label, "Release", d);
    if (top == null) {
      return null;
    }
    Fields meta = top.childOrEmpty("metadata");
    String id = meta.required("name");
    meta.finish();
    Fields spec = top.childOrEmpty("spec");
    top.finish();
    String application = spec.required("application");
    String environment = spec.required("environment");
    String from = spec.required("from");
    String commit = spec.string("commit");
    String hash = spec.string("configHash");
    String created = spec.string("created");
    String createdBy = spec.string("createdBy");
    String promoted = spec.string("promoted");
    String promotedBy = spec.string("promotedBy");
    String reason = spec.string("reason");
    SortedMap<String, ReleaseImage> images = new TreeMap<>();
    Fields imgs = spec.child("images");
    if (imgs == null) {
      d.error("spec.required", spec.position(), spec.path("images"), "required field 'images' is missing");
    } else {
      for (String component : imgs.node().entries().keySet()) {
        Fields c = imgs.child(component);
        if (c == null) {
          continue;
        }
        String image = c.required("image");
        String digest = c.string("digest");
        c.finish();
        String problem = image == null ? null : ImageReference.problem(image);
        if (problem != null) {
          d.error("spec.invalid-image", c.position("image"), c.path("image"), "'" + image + "' is not a valid image reference: " + problem);
        } else if (image != null) {
          images.put(component, new ReleaseImage(image, digest == null || digest.equals("unknown") ? null : digest));
        }
      }
    }
    spec.finish();
    if (id == null || application == null || environment == null || from == null) {
      return null;
    }
    return new ReleaseSpec(id, application, environment, from, commit, hash, created, createdBy, promoted, promotedBy, reason, images,
        top.position());
  }

  /** The approvals file of an application in an environment; null when there is none or it cannot be read (then with diagnostics). */
  public static ApprovalsSpec readApprovals(Path root, String environment, String application, Diagnostics d) {
    String label = approvalsPath(environment, application);
    Path file = root.resolve(label);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Fields top = top(file, label, "Approvals", d);
    if (top == null) {
      return null;
    }
    Fields spec = top.childOrEmpty("spec");
    top.raw("metadata");
    top.finish();
    String app = spec.required("application");
    String env = spec.required("environment");
    String release = spec.required("release");
    List<Approval> approvals = new ArrayList<>();
    SpecNode list = spec.raw("approvals");
    if (list instanceof ListNode l) {
      for (int i = 0; i < l.items().size(); i++) {
        Fields a = Fields.of(l.items().get(i), spec.path("approvals") + "[" + i + "]", d);
        if (a == null) {
          continue;
        }
        String by = a.required("by");
        String at = a.required("at");
        String reason = a.string("reason");
        a.finish();
        if (by != null && at != null) {
          approvals.add(new Approval(by, at, reason));
        }
      }
    } else if (list != null) {
      Fields.typeError(d, list, spec.path("approvals"), "a list of approvals");
    }
    spec.finish();
    if (app == null || env == null || release == null) {
      return null;
    }
    if (!app.equals(application) || !env.equals(environment)) {
      d.error("release.misplaced", spec.position(), "spec", label + " holds approvals of " + app + " in " + env);
      return null;
    }
    return new ApprovalsSpec(app, env, release, approvals);
  }

  private static Fields top(Path file, String label, String kind, Diagnostics d) {
    List<Document> docs = YamlLoader.forSpecs().loadFile(file, label, Layer.PLATFORM, d);
    if (docs.size() != 1 || !(docs.get(0).root() instanceof MapNode)) {
      if (!d.hasErrors()) {
        d.error("release.unreadable", Position.file(label), "", label + " must hold exactly one " + kind + " document");
      }
      return null;
    }
    Fields top = Fields.of(docs.get(0).root(), "", d);
    if (top != null) {
      PlatformLoader.checkHeader(top, kind, d);
    }
    return top;
  }

  /** The text of a release file: stable key order, every string quoted, so that Git diffs are minimal. */
  public static String emit(ReleaseSpec r) {
    StringBuilder y = new StringBuilder();
    y.append("# The release of ").append(r.application()).append(" that runs in ").append(r.environment())
        .append(", written by slipway promote.\n");
    y.append("# Slipway renders ").append(r.environment()).append(" with these images, not app.yaml's (see docs/delivery.md).\n");
    y.append("apiVersion: ").append(PlatformLoader.API_VERSION).append("\n");
    y.append("kind: Release\n");
    y.append("metadata:\n  name: ").append(q(r.id())).append("\n");
    y.append("spec:\n");
    field(y, "application", r.application());
    field(y, "environment", r.environment());
    field(y, "from", r.from());
    field(y, "commit", r.commit());
    field(y, "configHash", r.configHash());
    field(y, "created", r.created());
    field(y, "createdBy", r.createdBy());
    field(y, "promoted", r.promoted());
    field(y, "promotedBy", r.promotedBy());
    field(y, "reason", r.reason());
    y.append("  images:\n");
    r.images().forEach((c, i) -> {
      y.append("    ").append(c).append(":\n");
      y.append("      image: ").append(q(i.image())).append("\n");
      y.append("      digest: ").append(q(i.digest() == null ? "unknown" : i.digest())).append("\n");
    });
    return y.toString();
  }

  /** The text of an approvals file. */
  public static String emit(ApprovalsSpec a) {
    StringBuilder y = new StringBuilder();
    y.append("# Approvals of release ").append(a.release()).append(" of ").append(a.application()).append(" for ").append(a.environment())
        .append(", written by slipway approve.\n");
    y.append("# They count only for that release: a newer candidate needs approving again.\n");
    y.append("apiVersion: ").append(PlatformLoader.API_VERSION).append("\n");
    y.append("kind: Approvals\n");
    y.append("spec:\n");
    field(y, "application", a.application());
    field(y, "environment", a.environment());
    field(y, "release", a.release());
    y.append("  approvals:").append(a.approvals().isEmpty() ? " []\n" : "\n");
    for (Approval x : a.approvals()) {
      y.append("  - by: ").append(q(x.by())).append("\n");
      y.append("    at: ").append(q(x.at())).append("\n");
      if (x.reason() != null) {
        y.append("    reason: ").append(q(x.reason())).append("\n");
      }
    }
    return y.toString();
  }

  private static void field(StringBuilder y, String key, String value) {
    if (value != null) {
      y.append("  ").append(key).append(": ").append(q(value)).append("\n");
    }
  }

  /** A double-quoted YAML scalar (JSON string escaping is valid YAML). */
  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
