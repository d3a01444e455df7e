package io.propensity.dashboard.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Injects the shared {@link RunningStack}; skips the tests when the jars it runs are not built. */
public final class StackExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RunningStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    String missing = RunningStack.missingJars();
    Assumptions.assumeTrue(missing.isEmpty(), missing);
    return RunningStack.shared(context);
  }
}
