package dev.slipway.engine.render;

import java.util.List;

/** Everything rendered for one application in one environment, in sync order. */
public record ApplicationBundle(String environment, String application, String namespace, List<RenderedObject> objects) {}
