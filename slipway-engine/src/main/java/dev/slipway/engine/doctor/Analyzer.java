package dev.slipway.engine.doctor;

/**
 * One kind of diagnosis, in the spirit of K8sGPT's analyzers: reads the live objects (and the
 * spec, for where the cause is written) and adds what it finds. Pure: no I/O, no clock of its own.
 */
interface Analyzer {
  /** The name findings carry, as docs/doctor.md lists it. */
  String name();

  void analyze(Scan scan);
}
