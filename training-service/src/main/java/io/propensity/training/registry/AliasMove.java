package io.propensity.training.registry;

import java.util.OptionalLong;

/**
 * The outcome of setting or rolling back an alias.
 *
 * @param target the version the alias points at now (its aliases include the moved one)
 * @param previousVersion the version it pointed at before; empty when the alias is new
 * @param changed false when the alias already pointed at the target (nothing recorded, nobody
 *     notified)
 */
public record AliasMove(ModelVersionRecord target, OptionalLong previousVersion, boolean changed) {}
