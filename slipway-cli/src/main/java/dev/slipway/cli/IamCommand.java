package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.aws.IamPolicies;
import dev.slipway.engine.aws.IamPolicies.RolePolicy;
import dev.slipway.engine.aws.IamPolicies.Statement;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentSummary;
import dev.slipway.engine.plan.PlanSink;
import dev.slipway.engine.plan.PlanSummary;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.EnvironmentSpec;
import java.io.PrintWriter;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code slipway iam}: the AWS IAM policies the applications' roles need, from what their specs declare. */
@Command(name = "iam", mixinStandardHelpOptions = true,
    description = {"Prints the IAM policy each application role (IRSA) needs in each environment, from what the specs declare",
        "(today: the SQS queue a worker consumes), each statement on exactly the resources named: no wildcard.",
        "Exit codes: 0 ok, 2 bad input."})
final class IamCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  PlatformOptions platform;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      description = "text (default), or json: per environment and application, role ARN -> IAM policy document.")
  String format = "text";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Output.checkFormat(err, format, "text", "json")) {
      return Main.BAD_INPUT;
    }
    Workspace ws = Workspace.load(platform.dir);
    // env -> app -> role -> policy, filled in the planner's order (environments, then applications by name).
    SortedMap<String, SortedMap<String, SortedMap<String, RolePolicy>>> all = new TreeMap<>();
    PlanSink<SortedMap<String, RolePolicy>> sink = new PlanSink<>() {
      @Override
      public SortedMap<String, RolePolicy> prepare(EnvironmentSpec env, ApplicationPlan app) {
        return IamPolicies.of(app.resolved());
      }

      @Override
      public void application(EnvironmentSpec env, ApplicationPlan app, SortedMap<String, RolePolicy> policies) {
        all.computeIfAbsent(env.name(), e -> new TreeMap<>()).put(app.name(), policies);
      }

      @Override
      public void environment(EnvironmentSummary env) {}
    };
    PlanSummary plan = new Planner(true)
        .plan(ws, new Planner.Scope(platform.environments(), platform.applications(), platform.sets), sink);
    if (plan.hasSpecErrors()) {
      PlanCommand.printDiagnostics(err, plan.specDiagnostics());
      err.println("iam failed: the specs have errors.");
      return Main.BAD_INPUT;
    }
    if (format.equals("json")) {
      ObjectNode root = Output.JSON.createObjectNode();
      all.forEach((env, apps) -> {
        ObjectNode e = root.putObject(env);
        apps.forEach((app, roles) -> {
          ObjectNode a = e.putObject(app);
          roles.forEach((role, p) -> a.set(role, document(p)));
        });
      });
      out.println(Output.json(root));
      return Main.OK;
    }
    boolean any = false;
    for (var env : all.entrySet()) {
      for (var app : env.getValue().entrySet()) {
        for (RolePolicy p : app.getValue().values()) {
          any = true;
          out.println(env.getKey() + "/" + app.getKey() + "  role " + p.roleArn());
          for (Statement s : p.statements()) {
            out.println("  allow " + String.join(", ", s.actions()));
            out.println("    on " + String.join(", ", s.resources()) + "  (for " + String.join(", ", s.components()) + ")");
          }
          out.println(Output.json(document(p)).lines().map(l -> "  " + l).reduce((x, y) -> x + "\n" + y).orElse(""));
          out.println();
        }
      }
    }
    if (!any) {
      out.println("No application role needs AWS permissions from its spec (queues consumed by workers).");
    }
    return Main.OK;
  }

  /** The IAM policy document (version 2012-10-17), as it is attached to the role. */
  static ObjectNode document(RolePolicy p) {
    ObjectNode doc = Output.JSON.createObjectNode().put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    for (Statement s : p.statements()) {
      ObjectNode o = statements.addObject().put("Sid", s.sid()).put("Effect", "Allow");
      ArrayNode actions = o.putArray("Action");
      s.actions().forEach(actions::add);
      ArrayNode resources = o.putArray("Resource");
      s.resources().forEach(resources::add);
    }
    return doc;
  }
}
