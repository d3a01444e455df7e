package io.propensity.dashboard.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The live page's replay ({@code propensity.dashboard.live.*}, env {@code
 * PROPENSITY_DASHBOARD_LIVE_*}).
 *
 * @param defaultEvents events replayed when the page asks for none, 1 to 100
 * @param eventsPerSecond replay pace
 * @param explainTopK top SHAP factors shown per prediction, 0 to 10
 * @param keep predictions kept in memory for the page
 * @param users users whose recent events a replay interleaves (the most recently active ones), 1 to
 *     50
 * @param scanUsers most users read (one ListUsers page per activity window) to find the most
 *     recently active, up to 10,000
 */
@ConfigurationProperties("propensity.dashboard.live")
public record LiveConfiguration(
    @Bindable(defaultValue = "40") int defaultEvents,
    @Bindable(defaultValue = "4") double eventsPerSecond,
    @Bindable(defaultValue = "3") int explainTopK,
    @Bindable(defaultValue = "500") int keep,
    @Bindable(defaultValue = "8") int users,
    @Bindable(defaultValue = "1000") int scanUsers) {}
