package io.propensity.inference.reload;

/**
 * An alias of a model as it now stands, from the registry's watch stream.
 *
 * @param name model name
 * @param alias alias, e.g. {@code production}
 * @param version the version the alias points at
 */
public record AliasUpdate(String name, String alias, long version) {}
