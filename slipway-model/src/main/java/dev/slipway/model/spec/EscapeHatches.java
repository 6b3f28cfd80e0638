package dev.slipway.model.spec;

import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentSpec.Probes;
import dev.slipway.model.spec.ComponentSpec.Resources;
import dev.slipway.model.spec.ComponentSpec.Security;
import dev.slipway.model.yaml.SpecNode;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ways out of a component type's shape: extra containers, scheduling constraints, hooks,
 * pod metadata, patches of the rendered objects and extra manifests. Every one is an ordinary
 * component field (merged over the layers, shown by {@code --explain}), and whatever it produces
 * goes through validation and policy like the rest of the rendered objects.
 *
 * @param affinity a raw Kubernetes {@code affinity}, kept as written (checked to be a map)
 * @param patches applied in order to the component's rendered objects, before validation and policy
 */
public record EscapeHatches(
    List<Container> sidecars,
    List<Container> initContainers,
    SortedMap<String, String> nodeSelector,
    List<Toleration> tolerations,
    SpecNode affinity,
    List<TopologySpread> topologySpread,
    Lifecycle lifecycle,
    SortedMap<String, String> podAnnotations,
    SortedMap<String, String> podLabels,
    List<Patch> patches,
    List<ExtraManifest> extraManifests) {

  public static final EscapeHatches NONE = new EscapeHatches(List.of(), List.of(), new TreeMap<>(), List.of(), null, List.of(), null,
      new TreeMap<>(), new TreeMap<>(), List.of(), List.of());

  /**
   * An extra container of the pod. A {@code native} sidecar is rendered as an init container with
   * {@code restartPolicy: Always} (Kubernetes 1.29+): it starts before the main container and
   * stops after it.
   *
   * @param volumeMounts volume name → mount path; only volumes the pod already has ({@code tmp}, {@code config})
   */
  public record Container(
      String name,
      String image,
      List<String> command,
      List<String> args,
      SortedMap<String, String> env,
      SortedMap<String, Integer> ports,
      Resources resources,
      Probes probes,
      Security security,
      SortedMap<String, String> volumeMounts,
      boolean nativeSidecar) {}

  /** A Kubernetes toleration, checked as the API server checks it. */
  public record Toleration(String key, String operator, String value, String effect, Long tolerationSeconds) {}

  /**
   * A topology spread constraint; {@code matchLabels} null means the component's own pods.
   */
  public record TopologySpread(int maxSkew, String topologyKey, String whenUnsatisfiable, SortedMap<String, String> matchLabels) {}

  /**
   * The main container's hooks (either may be null) and how long Kubernetes waits for the pod to
   * stop ({@code null}: long enough for a {@code preStop} sleep, and never less than Slipway's default).
   */
  public record Lifecycle(Hook preStop, Hook postStart, Integer terminationGracePeriodSeconds) {}

  /** One hook: exactly one of a command, a sleep (seconds) or an HTTP GET. */
  public record Hook(List<String> exec, Integer sleepSeconds, String httpPath, Integer httpPort) {}

  /**
   * A patch of the component's rendered objects: RFC 6902 {@code ops} or an RFC 7386 {@code merge}
   * document (exactly one), on every object of {@code kind} (and {@code name}, when given).
   *
   * @param path the field path of the patch, e.g. {@code spec.components.web.patches[0]}
   * @param at where the patch is written
   */
  public record Patch(String kind, String name, List<Op> ops, SpecNode merge, String path, Position at) {
    /** What a finding about an object this patch changed says about it. */
    public String describe() {
      return path + " (" + at + ")";
    }
  }

  /** One RFC 6902 operation; {@code value} is null for remove, move and copy. */
  public record Op(String op, String path, String from, SpecNode value, Position at) {}

  /**
   * A file of Kubernetes objects in the application's folder, with the documents it holds (read
   * when the workspace was loaded).
   */
  public record ExtraManifest(String file, Position at, List<SpecNode> documents) {}

  public boolean isEmpty() {
    return equals(NONE);
  }
}
