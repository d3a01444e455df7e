package io.propensity.feature.grpc;

import io.propensity.client.EventProtoMapper;
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

  static Campaigns.Request toRequest(RecordCampaignRequest r) {
    return new Campaigns.Request(
        r.getName(),
        r.getModelName(),
        r.getModelVersion(),
        EventProtoMapper.fromProto(r.getGoalEventType()),
        r.hasWindowStart() ? ClientTimes.instant(r.getWindowStart(), "window_start") : null,
        r.hasWindowEnd() ? ClientTimes.instant(r.getWindowEnd(), "window_end") : null,
        members(r.getTargetedList()),
        members(r.getControlList()));
  }

  private static List<Campaigns.Member> members(List<CampaignMember> list) {
    List<Campaigns.Member> out = new ArrayList<>(list.size());
    for (CampaignMember m : list) {
      out.add(new Campaigns.Member(m.getUserId(), m.getProbability(), m.getRank()));
    }
    return out;
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
