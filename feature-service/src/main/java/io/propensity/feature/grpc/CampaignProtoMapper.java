package io.propensity.feature.grpc;

import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.grpc.ClientTimes;
import io.propensity.feature.campaign.CampaignReport;
import io.propensity.feature.campaign.CampaignSummary;
import io.propensity.feature.campaign.Campaigns;
import io.propensity.feature.campaign.GroupOutcome;
import io.propensity.feature.campaign.UpliftStatistics;
import java.util.ArrayList;
import java.util.List;
import propensity.features.v1.CampaignGroupOutcome;
import propensity.features.v1.CampaignInfo;
import propensity.features.v1.CampaignMember;
import propensity.features.v1.ConfidenceInterval;
import propensity.features.v1.GetCampaignReportResponse;
import propensity.features.v1.ListCampaignsResponse;
import propensity.features.v1.RecordCampaignRequest;

/** Translates between the campaign messages of features.v1 and the campaign domain. */
final class CampaignProtoMapper {
  private CampaignProtoMapper() {}

  /**
   * A campaign arriving over a RecordCampaign stream: the first message's campaign fields, every
   * message's members appended in order. Refuses campaign fields in a later message and more
   * members than the limit as soon as they arrive, so an oversized stream is not held in memory.
   */
  static final class StreamedCampaign {
    private final int maxMembers;
    private final List<Campaigns.Member> targeted = new ArrayList<>();
    private final List<Campaigns.Member> control = new ArrayList<>();
    private RecordCampaignRequest first;
    private int messages;

    StreamedCampaign(int maxMembers) {
      this.maxMembers = maxMembers;
    }

    void append(RecordCampaignRequest part) {
      if (messages == 0) {
        first = part;
      } else {
        refuseCampaignFields(part);
      }
      long members =
          (long) targeted.size()
              + control.size()
              + part.getTargetedCount()
              + part.getControlCount();
      if (members > maxMembers) {
        throw InvalidInputException.of(
            "targeted",
            "more than "
                + maxMembers
                + " members (targeted and control) by message "
                + messages
                + " of the stream; at most "
                + maxMembers
                + " allowed");
      }
      addMembers(part.getTargetedList(), targeted);
      addMembers(part.getControlList(), control);
      messages++;
    }

    private void refuseCampaignFields(RecordCampaignRequest part) {
      String field = null;
      if (!part.getName().isEmpty()) {
        field = "name";
      } else if (!part.getModelName().isEmpty()) {
        field = "model_name";
      } else if (part.getModelVersion() != 0) {
        field = "model_version";
      } else if (part.getGoalEventTypeValue() != 0) {
        field = "goal_event_type";
      } else if (part.hasWindowStart()) {
        field = "window_start";
      } else if (part.hasWindowEnd()) {
        field = "window_end";
      }
      if (field != null) {
        throw InvalidInputException.of(
            field,
            "is set in message "
                + messages
                + " of the stream: only the first message carries the campaign, later ones"
                + " only more members");
      }
    }

    private static void addMembers(List<CampaignMember> from, List<Campaigns.Member> to) {
      for (CampaignMember m : from) {
        to.add(new Campaigns.Member(m.getUserId(), m.getProbability(), m.getRank()));
      }
    }

    /** The whole campaign as sent; an empty stream is a campaign without any field. */
    Campaigns.Request request() {
      RecordCampaignRequest r = first == null ? RecordCampaignRequest.getDefaultInstance() : first;
      return new Campaigns.Request(
          r.getName(),
          r.getModelName(),
          r.getModelVersion(),
          EventProtoMapper.fromProto(r.getGoalEventType()),
          r.hasWindowStart() ? ClientTimes.instant(r.getWindowStart(), "window_start") : null,
          r.hasWindowEnd() ? ClientTimes.instant(r.getWindowEnd(), "window_end") : null,
          targeted,
          control);
    }
  }

  static CampaignInfo toProto(CampaignSummary c) {
    return CampaignInfo.newBuilder()
        .setName(c.name())
        .setModelName(c.modelName())
        .setModelVersion(c.modelVersion())
        .setGoalEventType(EventProtoMapper.toProto(c.goal()))
        .setWindowStart(EventProtoMapper.timestamp(c.windowStart()))
        .setWindowEnd(EventProtoMapper.timestamp(c.windowEnd()))
        .setRecordedAt(EventProtoMapper.timestamp(c.recordedAt()))
        .setTargetedCount(c.targetedUsers())
        .setControlCount(c.controlUsers())
        .build();
  }

  static ListCampaignsResponse toListResponse(List<CampaignSummary> campaigns) {
    ListCampaignsResponse.Builder b = ListCampaignsResponse.newBuilder();
    campaigns.forEach(c -> b.addCampaigns(toProto(c)));
    return b.build();
  }

  static GetCampaignReportResponse toProto(CampaignReport r) {
    UpliftStatistics.Uplift u = r.uplift();
    GetCampaignReportResponse.Builder b =
        GetCampaignReportResponse.newBuilder()
            .setCampaign(toProto(r.campaign()))
            .setTargeted(toProto(r.targeted()))
            .setControl(toProto(r.control()))
            .setObservedUntil(EventProtoMapper.timestamp(r.observedUntil()))
            .setWindowClosed(r.windowClosed())
            .setUplift(u.uplift())
            .setUpliftInterval(toProto(u.upliftInterval()))
            .setPValue(u.pValue())
            .setIncrementalConversions(r.incrementalConversions());
    u.relativeLift().ifPresent(b::setRelativeLift);
    u.relativeLiftInterval().ifPresent(i -> b.setRelativeLiftInterval(toProto(i)));
    return b.build();
  }

  private static CampaignGroupOutcome toProto(GroupOutcome g) {
    return CampaignGroupOutcome.newBuilder()
        .setUsers(g.users())
        .setConverters(g.converters())
        .setConversionRate(g.conversionRate())
        .setPredictedMean(g.predictedMean())
        .build();
  }

  private static ConfidenceInterval toProto(UpliftStatistics.Interval i) {
    return ConfidenceInterval.newBuilder().setLow(i.low()).setHigh(i.high()).setLevel(0.95).build();
  }
}
