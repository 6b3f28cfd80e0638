package dev.slipway.engine.plan;

import dev.slipway.model.spec.EnvironmentSpec;

/**
 * Receives each application of a streamed plan once, with its rendered objects, and keeps what it
 * needs (the CLI serialises and writes it); the planner then lets the objects go.
 *
 * @param <T> what {@link #prepare} makes of an application, e.g. its serialised files
 */
public interface PlanSink<T> {
  /** Called on any thread, for several applications at once: the CPU-heavy part (serialising). */
  T prepare(EnvironmentSpec env, ApplicationPlan app);

  /** Called on one thread, environments in order and applications in name order within each. */
  void application(EnvironmentSpec env, ApplicationPlan app, T prepared);

  /** Called after an environment's last application, with its environment-wide objects and cost. */
  void environment(EnvironmentSummary env);

  /** A sink that keeps nothing: the plan's summary is all that is wanted. */
  static PlanSink<Void> none() {
    return new PlanSink<>() {
      @Override
      public Void prepare(EnvironmentSpec env, ApplicationPlan app) {
        return null;
      }

      @Override
      public void application(EnvironmentSpec env, ApplicationPlan app, Void prepared) {}

      @Override
      public void environment(EnvironmentSummary env) {}
    };
  }
}
