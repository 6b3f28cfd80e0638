package dev.slipway.engine.plan;

import dev.slipway.engine.kyverno.KyvernoPolicy;
import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.engine.policy.PolicyStep;
import dev.slipway.engine.render.ApplicationRenderer;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.types.CompiledType;
import dev.slipway.engine.types.PlatformTypes;
import dev.slipway.engine.validate.ManifestValidator;
import dev.slipway.engine.validate.Problem;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.spec.ComponentTypeSpec.TypeResource;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.spec.TypedComponent;
import dev.slipway.model.yaml.SpecNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks every platform type before any application uses it: a sample instance (the schema's
 * defaults, and a made-up value of the right type for each required field) is rendered in every
 * environment and its objects go through the same validation and policy as the planner applies
 * to applications. Findings point at the type file, at the resource that renders the object.
 */
final class TypeSampleCheck {
  static final String SAMPLE_APP = "sample";

  private TypeSampleCheck() {}

  static void check(PlatformSpec platform, PlatformTypes types, List<KyvernoPolicy> policies, ManifestValidator validator,
      Diagnostics d) {
    for (CompiledType type : types.all().values()) {
      // A rule failing in several environments is reported once: as an error if one of them enforces it.
      Map<String, PolicyProblem> policy = new LinkedHashMap<>();
      for (EnvironmentSpec env : platform.environments()) {
        check(platform, types, type, env, policies, validator, policy, d);
      }
      for (PolicyProblem p : policy.values()) {
        if (p.enforcedIn() != null) {
          d.error("spec.type-policy", p.at(), "", p.message() + " (environment '" + p.enforcedIn() + "' enforces it)");
        } else {
          d.warning("spec.type-policy", p.at(), "", p.message());
        }
      }
    }
  }

  private record PolicyProblem(Position at, String message, String enforcedIn) {}

  private static void check(PlatformSpec platform, PlatformTypes types, CompiledType type, EnvironmentSpec env, List<KyvernoPolicy> policies,
      ManifestValidator validator, Map<String, PolicyProblem> policy, Diagnostics d) {
    ComponentTypeSpec spec = type.spec();
    String component = spec.name().length() > 30 ? "sample" : spec.name();
    Map<String, Object> values = values(spec.fields(), spec.name(), env);
    // As a real instance would, the sample takes the environment's defaults for the fields the schema has.
    if (env.defaults() instanceof SpecNode.MapNode defaults) {
      for (SchemaField f : spec.fields()) {
        if (defaults.get(f.name()) instanceof SpecNode.Scalar s && f.type().scalar()) {
          Object v = scalar(f.type(), s.value());
          if (v != null) {
            values.put(f.name(), v);
          }
        }
      }
    }
    TypedComponent sample = new TypedComponent(component, spec.name(), values);
    ApplicationSpec app = new ApplicationSpec(SAMPLE_APP, "", Position.NONE, new TreeMap<String, SpecNode>(), new TreeMap<>(), List.of());
    ResolvedApplication resolved = new ResolvedApplication(app, env, env.namespaceFor(SAMPLE_APP), List.of(), new TreeMap<>(), List.of(sample));
    List<Diagnostic> problems = new ArrayList<>();
    List<RenderedObject> objects = ApplicationRenderer.render(platform, resolved, types, new dev.slipway.model.Diagnostics(), problems).objects().stream()
        .filter(o -> component.equals(o.component())).toList();
    for (Diagnostic p : problems) {
      d.add(new Diagnostic(Diagnostic.Severity.ERROR, "spec.type-sample", p.file(), p.line(), p.column(), p.path(),
          "a sample instance (schema defaults, made-up required values) does not render: " + p.message()));
    }
    for (RenderedObject o : objects) {
      Position at = resourceOf(spec, o);
      ManifestValidator.Result r = validator.validate(o.body());
      for (Problem p : r.problems()) {
        d.error("spec.type-invalid-object", at, p.fieldPath(), "type " + spec.name() + " renders an invalid " + o.kind() + ": " + p.message());
      }
    }
    boolean enforced = env.policy().enforcement() == EnvironmentSpec.Enforcement.ENFORCE;
    for (PolicyFinding f : PolicyStep.evaluate(policies, env, objects, List.of(), o -> spec.file())) {
      if (f.outcome() != PolicyFinding.Outcome.FAIL && f.outcome() != PolicyFinding.Outcome.ERROR) {
        continue;
      }
      RenderedObject o = objects.stream().filter(x -> x.ref().equals(f.objectRef())).findFirst().orElse(null);
      Position at = o == null ? spec.position() : resourceOf(spec, o);
      String message = "type " + spec.name() + " renders " + kindOf(f.objectRef()) + " that fails policy " + f.rule() + ": " + f.message();
      PolicyProblem before = policy.get(at + message);
      if (before == null || before.enforcedIn() == null && enforced && f.enforce()) {
        policy.put(at + message, new PolicyProblem(at, message, enforced && f.enforce() ? env.name() : null));
      }
    }
  }

  private static String kindOf(String ref) {
    int slash = ref.indexOf('/');
    return slash < 0 ? ref : "a " + ref.substring(0, slash);
  }

  /** The resource whose template renders this kind (templates write their kind literally); else the type itself. */
  private static Position resourceOf(ComponentTypeSpec spec, RenderedObject o) {
    for (TypeResource r : spec.resources()) {
      if (r.template() instanceof SpecNode.MapNode m && m.get("kind") instanceof SpecNode.Scalar k && k.value().equals(o.kind())) {
        return r.position();
      }
    }
    return spec.position();
  }

  /** Defaults, and for each required field a value of its type within its constraints. */
  static Map<String, Object> values(List<SchemaField> fields, String type, EnvironmentSpec env) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (SchemaField f : fields) {
      boolean object = f.type().kind() == ComponentTypeSpec.FieldType.Kind.OBJECT;
      Object v = f.defaultValue() != null ? f.defaultValue() : f.required() || object ? sample(f, type, env) : null;
      if (v != null) {
        out.put(f.name(), v);
      }
    }
    return out;
  }

  private static Object sample(SchemaField f, String type, EnvironmentSpec env) {
    if (!f.enumValues().isEmpty()) {
      String first = f.enumValues().get(0);
      return f.type().kind() == ComponentTypeSpec.FieldType.Kind.INTEGER ? (Object) Long.parseLong(first) : first;
    }
    return switch (f.type().kind()) {
      case STRING -> f.name().toLowerCase(java.util.Locale.ROOT).contains("image") ? sampleImage(type, env) : "sample";
      case INTEGER -> f.minimum() != null ? f.minimum().longValue() : f.maximum() != null ? Math.min(1L, f.maximum().longValue()) : 1L;
      case FLOAT -> f.minimum() != null ? f.minimum().doubleValue() : 1.0;
      case BOOLEAN -> false;
      case LIST -> List.of();
      case MAP -> Map.of();
      case OBJECT -> values(f.type().fields(), type, env);
    };
  }

  private static Object scalar(ComponentTypeSpec.FieldType type, String text) {
    try {
      return switch (type.kind()) {
        case STRING -> text;
        case INTEGER -> Long.parseLong(text);
        case FLOAT -> Double.parseDouble(text);
        case BOOLEAN -> text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
        default -> null;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** An image the environment's policy accepts: from its first allowed registry, with a fixed tag. */
  private static String sampleImage(String type, EnvironmentSpec env) {
    List<String> registries = env.policy().allowedRegistries();
    String registry = registries == null || registries.isEmpty() ? "registry.example.com" : registries.get(0);
    return registry + "/" + type + ":1.0.0";
  }
}
