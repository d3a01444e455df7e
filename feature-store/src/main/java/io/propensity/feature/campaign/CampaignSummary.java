package io.propensity.feature.campaign;

import io.propensity.engine.event.EventType;
import java.time.Instant;

/** A recorded campaign's definition and group sizes, without its members. */
public record CampaignSummary(
    String name,
    String modelName,
    long modelVersion,
    EventType goal,
    Instant windowStart,
    Instant windowEnd,
    Instant recordedAt,
    long targetedUsers,
    long controlUsers) {}
