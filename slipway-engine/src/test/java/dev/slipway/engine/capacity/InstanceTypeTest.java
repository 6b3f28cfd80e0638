package dev.slipway.engine.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class InstanceTypeTest {
  static final Catalog CATALOG = Catalog.bundled();

  @Test
  void computesEksAllocatableForTheSeedInstanceTypes() {
    InstanceType t3 = CATALOG.instanceTypes().get("t3.medium");
    InstanceType m5 = CATALOG.instanceTypes().get("m5.large");
    // A t3.medium is 2 vCPU, 4 GiB and 17 pods with the VPC CNI, not "1 CPU, 1 GiB".
    assertThat(t3.vcpu()).isEqualTo(2);
    assertThat(t3.memoryMiB()).isEqualTo(4096);
    assertThat(t3.maxPods()).isEqualTo(17);
    assertThat(t3.allocatableCpuMillis()).isEqualTo(1930);
    assertThat(t3.allocatableMemoryMiB()).isEqualTo(3246);
    assertThat(m5.allocatableCpuMillis()).isEqualTo(1930);
    assertThat(m5.allocatableMemoryMiB()).isEqualTo(6903);
  }

  @Test
  void reservesCpuByTheTieredFormula() {
    assertThat(InstanceType.kubeReservedCpuMillis(1)).isEqualTo(60);
    assertThat(InstanceType.kubeReservedCpuMillis(2)).isEqualTo(70);
    assertThat(InstanceType.kubeReservedCpuMillis(4)).isEqualTo(80);
    assertThat(InstanceType.kubeReservedCpuMillis(96)).isEqualTo(310);
  }

  /** Karpenter's own allocatable figures (../shared/fixtures/aws-instances) as the oracle. */
  @Test
  void matchesKarpentersAllocatableForEveryBundledType() throws Exception {
    Path csv = Path.of("..", "..", "shared", "fixtures", "aws-instances", "instance-types-us-east-1-extended.csv");
    Assumptions.assumeTrue(Files.exists(csv), "SKIPPED: ../shared/fixtures/aws-instances is absent");
    List<String> rows = Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size());
    int checked = 0;
    for (String row : rows) {
      String[] f = row.split(",");
      InstanceType t = CATALOG.instanceTypes().get(f[0]);
      assertThat(t).as(f[0]).isNotNull();
      assertThat(t.vcpu()).as(f[0]).isEqualTo(Integer.parseInt(f[1]));
      assertThat(t.memoryMiB()).as(f[0]).isEqualTo(Long.parseLong(f[2]));
      assertThat(t.maxPods()).as(f[0]).isEqualTo(Integer.parseInt(f[3]));
      assertThat(t.onDemandPerHour()).as(f[0]).isEqualTo(Double.parseDouble(f[4]));
      long cpu = f[5].endsWith("m") ? Long.parseLong(f[5].replace("m", "")) : (long) (Double.parseDouble(f[5]) * 1000);
      long mem = f[6].endsWith("Mi") ? Long.parseLong(f[6].replace("Mi", "")) : (long) (Double.parseDouble(f[6].replace("Gi", "")) * 1024);
      assertThat(t.allocatableCpuMillis()).as(f[0] + " cpu").isEqualTo(cpu);
      assertThat(t.allocatableMemoryMiB()).as(f[0] + " memory").isEqualTo(mem);
      checked++;
    }
    assertThat(checked).isEqualTo(55);
  }
}
