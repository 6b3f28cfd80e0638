package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code PersistentVolumeClaim}: a claim that stays Pending, so the database pod that mounts it
 * never starts: its storage class does not exist, or nothing provisions volumes for it. A claim
 * waiting for its first consumer is normal and not reported.
 */
final class VolumeClaimAnalyzer implements Analyzer {
  static final Duration PROVISIONING = Duration.ofMinutes(5);

  @Override
  public String name() {
    return "PersistentVolumeClaim";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode pvc : scan.live.ofKind("PersistentVolumeClaim")) {
      if (!pvc.path("status").path("phase").asText().equals("Pending")) {
        continue;
      }
      ObjectRef ref = LiveObjects.ref(pvc);
      String component = scan.component(pvc);
      String cls = pvc.path("spec").path("storageClassName").asText(
          pvc.path("metadata").path("annotations").path("volume.beta.kubernetes.io/storage-class").asText(""));
      List<String> evidence = new ArrayList<>();
      evidence.add("phase: Pending, storageClassName: " + (cls.isEmpty() ? "(none: the cluster's default)" : cls)
          + ", requests " + pvc.path("spec").path("resources").path("requests").path("storage").asText("?"));
      List<JsonNode> events = scan.live.events(ref);
      events.stream().reduce((a, b) -> b).ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
      String text = String.join("\n", events.stream().map(LiveObjects::message).toList()).toLowerCase(Locale.ROOT);
      JsonNode storageClass = cls.isEmpty() ? null : scan.live.get("StorageClass", null, cls).orElse(null);
      boolean classMissing = !cls.isEmpty() && (scan.live.hasKind("StorageClass") && storageClass == null
          || text.contains("storageclass.storage.k8s.io \"" + cls.toLowerCase(Locale.ROOT) + "\" not found"));
      SpecRef at;
      String explanation;
      String fix;
      if (classMissing) {
        SpecRef own = scan.locate(ref, component, "storage.storageClass");
        SpecRef platform = scan.spec.platformSpecField("addons.storage.class");
        at = own != null && own.field().endsWith("storageClass") ? own : platform != null ? platform : own;
        List<String> classes = scan.live.ofKind("StorageClass").stream().map(LiveObjects::name).toList();
        if (!classes.isEmpty()) {
          evidence.add("storage classes in the cluster: " + String.join(", ", classes));
        }
        explanation = "The claim asks for storage class " + cls + ", which does not exist in the cluster, so no volume is ever made and "
            + "the pod that mounts it stays Pending.";
        fix = "create the StorageClass " + cls + " (for EBS: provisioner ebs.csi.aws.com, type gp3), or use one that exists"
            + (at == null ? "" : " at " + at);
      } else if (text.contains("waiting for first consumer") && !text.contains("provisioningfailed")) {
        continue; // WaitForFirstConsumer: bound when its pod is scheduled
      } else if (text.contains("waiting for a volume to be created") || text.contains("external provisioner")) {
        Duration age = scan.age(pvc.path("metadata").path("creationTimestamp").asText(null));
        if (age != null && age.compareTo(PROVISIONING) < 0) {
          continue;
        }
        String provisioner = storageClass == null ? "its provisioner" : storageClass.path("provisioner").asText("its provisioner");
        at = scan.spec.platformSpecField("addons.storage.class");
        explanation = "The claim has waited " + Scan.shortAge(age) + " for " + provisioner + " to create a volume: the CSI driver is "
            + "not running, or cannot create volumes (its IAM role).";
        fix = "install or repair the driver (for EBS: the aws-ebs-csi-driver add-on with its IRSA role), then the claim binds";
      } else {
        at = scan.locate(ref, component, "storage");
        explanation = "The claim is not bound" + (events.isEmpty() ? " and no event says why." : ": "
            + ContainerAnalyzers.firstLine(LiveObjects.message(events.get(events.size() - 1))));
        fix = "correct what the provisioner's event names" + (at == null ? "" : " (storage at " + at + ")");
      }
      scan.add(Severity.ERROR, ref, component, name(), evidence, explanation, fix, at);
    }
  }
}
