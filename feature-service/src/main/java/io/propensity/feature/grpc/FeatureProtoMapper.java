package io.propensity.feature.grpc;

import com.google.protobuf.Timestamp;
import io.propensity.client.EventProtoMapper;
import io.propensity.common.grpc.ClientTimes;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureSpec;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.features.FeatureVector;
import io.propensity.engine.labels.Target;
import io.propensity.engine.labels.TrainingRow;
import io.propensity.engine.session.Session;
import io.propensity.engine.session.SessionEvent;
import io.propensity.feature.ingest.IngestOutcome;
import io.propensity.feature.ingest.IngestTally;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.overview.DataOverview;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.trainingset.TrainingSetPlan;
import io.propensity.feature.trainingset.TrainingSetSpec;
import io.propensity.feature.trainingset.TrainingSetSummary;
import io.propensity.feature.users.UserDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import propensity.events.v1.EventConflict;
import propensity.events.v1.EventRejection;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.DailyCount;
import propensity.features.v1.EventTimeQuantiles;
import propensity.features.v1.EventTypeCount;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FunnelStage;
import propensity.features.v1.FunnelStageCount;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.HourlyDwell;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.SessionSummary;
import propensity.features.v1.StreamIngestEventsResponse;
import propensity.features.v1.TrainingSetHeader;
import propensity.features.v1.UserActivity;
import propensity.features.v1.UserFeatures;
import propensity.features.v1.WindowKind;

/** Translates between the features.v1 / events.v1 contracts and feature-service domain types. */
final class FeatureProtoMapper {
  /** Most rejections listed in one response; the counts stay exact (see the contract). */
  static final int MAX_LISTED_REJECTIONS = 1_000;

  private FeatureProtoMapper() {}

  static List<ReceivedEvent> toEvents(List<propensity.events.v1.Event> events) {
    return EventProtoMapper.fromProto(events);
  }

  static propensity.events.v1.Event toProto(Event e) {
    return EventProtoMapper.toProto(e);
  }

  static propensity.events.v1.EventType toProto(EventType t) {
    return EventProtoMapper.toProto(t);
  }

  static Timestamp timestamp(Instant t) {
    return EventProtoMapper.timestamp(t);
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return EventProtoMapper.duration(d);
  }

  static propensity.features.v1.FeatureSchema toProto(FeatureSchema schema) {
    propensity.features.v1.FeatureSchema.Builder b =
        propensity.features.v1.FeatureSchema.newBuilder().setVersionHash(schema.versionHash());
    for (FeatureSpec f : schema.features()) {
      FeatureDefinition.Builder d =
          FeatureDefinition.newBuilder()
              .setName(f.name())
              .setType(toProto(f.type()))
              .setDescription(f.description());
      switch (f.window()) {
        case CURRENT_SESSION -> d.setWindowKind(WindowKind.WINDOW_KIND_CURRENT_SESSION);
        case LIFETIME -> d.setWindowKind(WindowKind.WINDOW_KIND_LIFETIME);
        default -> {
          d.setWindowKind(WindowKind.WINDOW_KIND_SLIDING);
          f.window().length().ifPresent(len -> d.setWindow(duration(len)));
        }
      }
      b.addFeatures(d);
    }
    return b.build();
  }

  static propensity.features.v1.FeatureType toProto(FeatureType t) {
    return switch (t) {
      case NUMERIC -> propensity.features.v1.FeatureType.FEATURE_TYPE_NUMERIC;
      case COUNT -> propensity.features.v1.FeatureType.FEATURE_TYPE_COUNT;
      case RATIO -> propensity.features.v1.FeatureType.FEATURE_TYPE_RATIO;
      case BOOLEAN -> propensity.features.v1.FeatureType.FEATURE_TYPE_BOOLEAN;
      case CATEGORICAL -> propensity.features.v1.FeatureType.FEATURE_TYPE_CATEGORICAL;
    };
  }

  static propensity.features.v1.FeatureVector toProto(FeatureVector v) {
    propensity.features.v1.FeatureVector.Builder b =
        propensity.features.v1.FeatureVector.newBuilder().setSchemaVersionHash(v.schemaHash());
    for (double x : v.values()) {
      b.addValues(x);
    }
    return b.build();
  }

  static UserFeatures toProto(OnlineFeatures.UserFeatures u) {
    UserFeatures.Builder b =
        UserFeatures.newBuilder()
            .setUserId(u.userId())
            .setVector(toProto(u.vector()))
            .setColdStart(u.coldStart());
    u.lastEventAt().ifPresent(t -> b.setLastEventAt(timestamp(t)));
    return b.build();
  }

  static GetOnlineFeaturesResponse toResponse(
      List<OnlineFeatures.UserFeatures> users,
      FeatureSchema schema,
      boolean includeSchema,
      Instant asOf) {
    GetOnlineFeaturesResponse.Builder b =
        GetOnlineFeaturesResponse.newBuilder()
            .setSchemaVersionHash(schema.versionHash())
            .setAsOf(timestamp(asOf));
    for (OnlineFeatures.UserFeatures u : users) {
      b.addUsers(toProto(u));
    }
    if (includeSchema) {
      b.setSchema(toProto(schema));
    }
    return b.build();
  }

  static UserDirectory.UserQuery toQuery(ListUsersRequest r) {
    return new UserDirectory.UserQuery(
        r.getPageSize(),
        r.getPageToken().isEmpty() ? Optional.empty() : Optional.of(r.getPageToken()),
        r.hasActiveSince()
            ? Optional.of(ClientTimes.instant(r.getActiveSince(), "active_since"))
            : Optional.empty(),
        r.hasActiveBefore()
            ? Optional.of(ClientTimes.instant(r.getActiveBefore(), "active_before"))
            : Optional.empty());
  }

  static ListUsersResponse toResponse(UserDirectory.UserPage page) {
    ListUsersResponse.Builder b = ListUsersResponse.newBuilder();
    for (EventStore.UserActivity u : page.users()) {
      b.addUsers(
          UserActivity.newBuilder()
              .setUserId(u.userId())
              .setFirstEventAt(timestamp(u.firstEventAt()))
              .setLastEventAt(timestamp(u.lastEventAt()))
              .setEventCount(u.events()));
    }
    page.nextPageToken().ifPresent(b::setNextPageToken);
    return b.build();
  }

  static UserDirectory.HistoryQuery toQuery(GetUserHistoryRequest r) {
    return new UserDirectory.HistoryQuery(
        r.getUserId(),
        r.hasSince() ? Optional.of(ClientTimes.instant(r.getSince(), "since")) : Optional.empty(),
        r.getMaxEvents());
  }

  static GetUserHistoryResponse toResponse(EventStore.RecentHistory h) {
    GetUserHistoryResponse.Builder b =
        GetUserHistoryResponse.newBuilder().setTruncated(h.truncated());
    for (Event e : h.events()) {
      b.addEvents(toProto(e));
    }
    return b.build();
  }

  static TrainingSetSpec toSpec(propensity.features.v1.TrainingSetSpec p) {
    Optional<Target> target =
        switch (p.getTarget()) {
          case TARGET_PURCHASE -> Optional.of(Target.PURCHASE);
          case TARGET_CHURN -> Optional.of(Target.CHURN);
          case TARGET_SESSION_CONVERSION -> Optional.of(Target.SESSION_CONVERSION);
          default -> Optional.empty();
        };
    Optional<Duration> horizon =
        p.hasHorizon()
            ? Optional.of(ClientTimes.duration(p.getHorizon(), "spec.horizon"))
            : Optional.empty();
    List<Instant> explicit = new ArrayList<>();
    Optional<TrainingSetSpec.Rolling> rolling = Optional.empty();
    if (p.hasExplicitCutoffs()) {
      List<Timestamp> cutoffs = p.getExplicitCutoffs().getCutoffsList();
      for (int i = 0; i < cutoffs.size(); i++) {
        explicit.add(
            ClientTimes.instant(cutoffs.get(i), "spec.explicit_cutoffs.cutoffs[" + i + "]"));
      }
    } else if (p.hasRollingCutoffs()) {
      CutoffRange r = p.getRollingCutoffs();
      rolling =
          Optional.of(
              new TrainingSetSpec.Rolling(
                  ClientTimes.instant(r.getStart(), "spec.rolling_cutoffs.start"),
                  ClientTimes.instant(r.getEnd(), "spec.rolling_cutoffs.end"),
                  ClientTimes.duration(r.getStep(), "spec.rolling_cutoffs.step")));
    }
    return new TrainingSetSpec(
        target,
        horizon,
        explicit,
        rolling,
        p.getUserFilter().getUserIdsList(),
        p.getSampleLimit(),
        p.getSeed());
  }

  static propensity.features.v1.TrainingRow toProto(TrainingRow row) {
    propensity.features.v1.TrainingRow.Builder b =
        propensity.features.v1.TrainingRow.newBuilder()
            .setUserId(row.userId())
            .setCutoff(timestamp(row.cutoff()))
            .setLabel(row.label());
    for (double x : row.features().values()) {
      b.addValues(x);
    }
    row.sessionId().ifPresent(b::setSessionId);
    return b.build();
  }

  static TrainingSetHeader header(
      TrainingSetPlan plan, propensity.features.v1.TrainingSetSpec spec, FeatureSchema schema) {
    TrainingSetHeader.Builder b =
        TrainingSetHeader.newBuilder().setSchema(toProto(schema)).setSpec(spec);
    for (Instant c : plan.cutoffs()) {
      b.addCutoffs(timestamp(c));
    }
    return b.build();
  }

  static propensity.features.v1.TrainingSetSummary toProto(TrainingSetSummary s) {
    return propensity.features.v1.TrainingSetSummary.newBuilder()
        .setRowCount(s.rows())
        .setPositiveCount(s.positives())
        .setPositiveRate(s.positiveRate())
        .setUserCount(s.users())
        .setCutoffCount(s.cutoffs())
        .setElapsed(duration(s.elapsed()))
        .build();
  }

  static GetDataOverviewResponse toProto(DataOverview o, FeatureSchema schema) {
    GetDataOverviewResponse.Builder b =
        GetDataOverviewResponse.newBuilder()
            .setEventCount(o.events())
            .setUserCount(o.users())
            .setSessionCount(o.sessions())
            .setSchema(toProto(schema));
    o.eventsByType()
        .forEach(
            (t, n) ->
                b.addEventTypeCounts(EventTypeCount.newBuilder().setType(toProto(t)).setCount(n)));
    o.firstEventAt().ifPresent(t -> b.setFirstEventAt(timestamp(t)));
    o.lastEventAt().ifPresent(t -> b.setLastEventAt(timestamp(t)));
    o.sampleEvents().forEach(e -> b.addSampleEvents(toProto(e)));
    for (Session s : o.sampleSessions()) {
      long dwellMs = 0;
      FunnelStage furthest = FunnelStage.FUNNEL_STAGE_SESSION;
      for (SessionEvent se : s.events()) {
        dwellMs += se.dwell().map(Duration::toMillis).orElse(0L);
        FunnelStage st = stageOf(se.event().type());
        if (st.getNumber() > furthest.getNumber()) {
          furthest = st;
        }
      }
      b.addSampleSessions(
          SessionSummary.newBuilder()
              .setUserId(s.events().get(0).event().userId())
              .setSessionId(s.key())
              .setInferred(s.givenId().isEmpty())
              .setStart(timestamp(s.start()))
              .setEnd(timestamp(s.end()))
              .setEventCount(s.events().size())
              .setTotalDwell(duration(Duration.ofMillis(dwellMs)))
              .setFurthestStage(furthest));
    }
    o.sampleFeatureRows().forEach(u -> b.addSampleFeatureRows(toProto(u)));
    for (DataOverview.HourDwell h : o.dwellByHour()) {
      b.addDwellByHour(
          HourlyDwell.newBuilder()
              .setHour(h.hour())
              .setEventCount(h.eventsWithDwell())
              .setMeanDwell(duration(h.mean()))
              .setMedianDwell(duration(h.median())));
    }
    for (DataOverview.FunnelStep f : o.funnel()) {
      b.addFunnel(
          FunnelStageCount.newBuilder()
              .setStage(FunnelStage.forNumber(f.stage().ordinal() + 1))
              .setSessionCount(f.sessions())
              .setFractionOfSessions(f.fractionOfSessions()));
    }
    for (DataOverview.Day d : o.days()) {
      b.addEventsPerDay(
          DailyCount.newBuilder()
              .setDayStart(timestamp(d.day().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()))
              .setEventCount(d.events())
              .setUserCount(d.users()));
    }
    o.eventTimes()
        .ifPresent(
            t -> {
              EventTimeQuantiles.Builder q =
                  EventTimeQuantiles.newBuilder().setSampleSize(t.sampleSize());
              t.permilles().forEach(p -> q.addPermilles(timestamp(p)));
              b.setEventTimeQuantiles(q);
            });
    return b.build();
  }

  private static FunnelStage stageOf(EventType t) {
    return switch (t) {
      case PRODUCT_VIEW -> FunnelStage.FUNNEL_STAGE_PRODUCT_VIEW;
      case ADD_TO_CART -> FunnelStage.FUNNEL_STAGE_ADD_TO_CART;
      case BEGIN_CHECKOUT -> FunnelStage.FUNNEL_STAGE_BEGIN_CHECKOUT;
      case PURCHASE -> FunnelStage.FUNNEL_STAGE_PURCHASE;
      default -> FunnelStage.FUNNEL_STAGE_SESSION;
    };
  }

  static List<EventRejection> rejections(List<IngestOutcome.Rejection> rejected) {
    List<EventRejection> out = new ArrayList<>(Math.min(rejected.size(), MAX_LISTED_REJECTIONS));
    for (IngestOutcome.Rejection r : rejected) {
      if (out.size() == MAX_LISTED_REJECTIONS) {
        break;
      }
      EventRejection.Builder b =
          EventRejection.newBuilder().setIndex(r.index()).setEventId(r.eventId());
      for (FieldViolation v : r.violations()) {
        b.addViolations(
            propensity.events.v1.FieldViolation.newBuilder()
                .setField(v.field())
                .setDescription(v.reason()));
      }
      out.add(b.build());
    }
    return out;
  }

  static List<EventConflict> conflicts(List<IngestOutcome.Conflict> conflicts) {
    List<EventConflict> out = new ArrayList<>(Math.min(conflicts.size(), MAX_LISTED_REJECTIONS));
    for (IngestOutcome.Conflict c : conflicts) {
      if (out.size() == MAX_LISTED_REJECTIONS) {
        break;
      }
      out.add(
          EventConflict.newBuilder()
              .setIndex(c.index())
              .setEventId(c.eventId())
              .addAllFields(c.fields())
              .build());
    }
    return out;
  }

  static IngestEventsResponse toResponse(IngestOutcome o) {
    return IngestEventsResponse.newBuilder()
        .setAcceptedCount(o.accepted())
        .setDuplicateCount(o.duplicates())
        .setRejectedCount(o.rejected().size())
        .addAllRejections(rejections(o.rejected()))
        .setConflictCount(o.conflicts().size())
        .addAllConflicts(conflicts(o.conflicts()))
        .build();
  }

  static StreamIngestEventsResponse toStreamResponse(IngestTally t) {
    return StreamIngestEventsResponse.newBuilder()
        .setAcceptedCount(t.accepted())
        .setDuplicateCount(t.duplicates())
        .setRejectedCount(t.rejected())
        .addAllRejections(rejections(t.listedRejections()))
        .setBatchCount(t.batches())
        .setConflictCount(t.conflicts())
        .addAllConflicts(conflicts(t.listedConflicts()))
        .build();
  }
}
