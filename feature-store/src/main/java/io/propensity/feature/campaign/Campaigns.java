package io.propensity.feature.campaign;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Records campaigns after checking them, and reports their uplift from the stored events. */
public final class Campaigns {
  /** Names go into URLs and file names: letters, digits, '.', '_', '-'. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** The most members one campaign may have. */
  public static final int MAX_MEMBERS = 1_000_000;

  private final CampaignStore store;
  private final Clock clock;

  public Campaigns(CampaignStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * A campaign to record, as a caller states it.
   *
   * @param targeted members who receive the campaign; the list field is named {@code targeted}
   * @param control members held out; the list field is named {@code control}
   */
  public record Request(
      String name,
      String modelName,
      long modelVersion,
      io.propensity.engine.event.EventType goal,
      Instant windowStart,
      Instant windowEnd,
      List<Member> targeted,
      List<Member> control) {}

  /** One member of a {@link Request}. */
  public record Member(String userId, double probability, long rank) {}

  /** Checks and stores a campaign; every problem found is reported at once. */
  public CampaignSummary record(Request r) {
    List<FieldError> errors = new ArrayList<>();
    if (r.name() == null || r.name().isEmpty()) {
      errors.add(new FieldError("name", "is required"));
    } else if (!NAME.matcher(r.name()).matches()) {
      errors.add(
          new FieldError(
              "name",
              "'"
                  + r.name()
                  + "' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter"
                  + " or digit"));
    }
    if (r.modelName() == null || r.modelName().isEmpty()) {
      errors.add(new FieldError("model_name", "is required"));
    }
    if (r.modelVersion() < 0) {
      errors.add(new FieldError("model_version", r.modelVersion() + " is negative"));
    }
    if (r.goal() == null) {
      errors.add(new FieldError("goal_event_type", "is required (e.g. EVENT_TYPE_PURCHASE)"));
    }
    if (r.windowStart() == null) {
      errors.add(new FieldError("window_start", "is required"));
    }
    if (r.windowEnd() == null) {
      errors.add(new FieldError("window_end", "is required"));
    }
    if (r.windowStart() != null
        && r.windowEnd() != null
        && !r.windowEnd().isAfter(r.windowStart())) {
      errors.add(
          new FieldError(
              "window_end", r.windowEnd() + " is not after window_start " + r.windowStart()));
    }
    if (r.targeted().isEmpty()) {
      errors.add(new FieldError("targeted", "needs at least one user"));
    }
    if (r.control().isEmpty()) {
      errors.add(
          new FieldError("control", "needs at least one user: without it there is no uplift"));
    }
    if (r.targeted().size() + r.control().size() > MAX_MEMBERS) {
      errors.add(
          new FieldError(
              "targeted",
              (r.targeted().size() + r.control().size())
                  + " members, at most "
                  + MAX_MEMBERS
                  + " allowed"));
    }
    List<CampaignMember> members = new ArrayList<>(r.targeted().size() + r.control().size());
    Map<String, String> seen = new HashMap<>();
    check("targeted", CampaignGroup.TARGETED, r.targeted(), seen, members, errors);
    check("control", CampaignGroup.CONTROL, r.control(), seen, members, errors);
    if (!errors.isEmpty()) {
      throw invalid(errors);
    }
    Campaign campaign =
        new Campaign(
            r.name(),
            r.modelName(),
            r.modelVersion(),
            r.goal(),
            r.windowStart(),
            r.windowEnd(),
            clock.instant(),
            members);
    if (!store.record(campaign)) {
      throw InvalidInputException.of(
          "name", "a campaign named '" + r.name() + "' is already recorded; names are unique");
    }
    return campaign.summary();
  }

  private static void check(
      String field,
      CampaignGroup group,
      List<Member> list,
      Map<String, String> seen,
      List<CampaignMember> out,
      List<FieldError> errors) {
    for (int i = 0; i < list.size() && errors.size() < 100; i++) {
      Member m = list.get(i);
      String at = field + "[" + i + "]";
      if (m.userId() == null || m.userId().isEmpty()) {
        errors.add(new FieldError(at + ".user_id", "is required"));
        continue;
      }
      String earlier = seen.putIfAbsent(m.userId(), at);
      if (earlier != null) {
        errors.add(
            new FieldError(
                at + ".user_id",
                "'"
                    + m.userId()
                    + "' is already at "
                    + earlier
                    + (earlier.startsWith(field) ? "" : ": a user is in one group only")));
      }
      if (!(m.probability() >= 0 && m.probability() <= 1)) {
        errors.add(new FieldError(at + ".probability", m.probability() + " is outside 0 to 1"));
      }
      if (m.rank() < 1) {
        errors.add(new FieldError(at + ".rank", m.rank() + " is below 1"));
      }
      out.add(new CampaignMember(m.userId(), group, m.probability(), m.rank()));
    }
  }

  private static InvalidInputException invalid(List<FieldError> errors) {
    FieldError first = errors.get(0);
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
    return new InvalidInputException(first.field() + ": " + first.description() + more, errors);
  }

  /** Every recorded campaign, newest first. */
  public List<CampaignSummary> list() {
    return store.list();
  }

  /** The report of the named campaign as of now. */
  public CampaignReport report(String name) {
    if (name == null || name.isEmpty()) {
      throw InvalidInputException.of("name", "is required");
    }
    CampaignSummary c =
        store
            .find(name)
            .orElseThrow(() -> new NotFoundException("no campaign named '" + name + "'"));
    Instant now = clock.instant();
    boolean closed = !now.isBefore(c.windowEnd());
    Instant until = closed ? c.windowEnd() : now;
    GroupOutcome targeted = store.outcome(name, CampaignGroup.TARGETED, until);
    GroupOutcome control = store.outcome(name, CampaignGroup.CONTROL, until);
    UpliftStatistics.Uplift uplift =
        UpliftStatistics.uplift(
            targeted.converters(), targeted.users(), control.converters(), control.users());
    return new CampaignReport(
        c, targeted, control, until, closed, uplift, uplift.uplift() * targeted.users());
  }
}
