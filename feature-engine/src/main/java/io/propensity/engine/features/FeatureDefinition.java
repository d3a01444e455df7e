package io.propensity.engine.features;

import java.util.function.ToDoubleFunction;

/** A feature's public spec together with how its value is read from the computed stats. */
record FeatureDefinition(FeatureSpec spec, ToDoubleFunction<FeatureContext> value) {}
