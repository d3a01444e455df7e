package io.propensity.inference.challenge.jdbc;

import io.propensity.inference.challenge.ComparedSide;
import io.propensity.inference.challenge.ComparisonMetric;
import io.propensity.inference.challenge.DeLong;
import io.propensity.inference.challenge.DecisionHistory;
import io.propensity.inference.challenge.DecisionKind;
import io.propensity.inference.challenge.PairedComparison;
import io.propensity.inference.challenge.PromotionDecision;
import io.propensity.inference.challenge.SideMetrics;
import io.propensity.runtime.metrics.ConfidenceInterval;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import javax.sql.DataSource;

/**
 * {@link DecisionHistory} in the served-prediction log's database (SQLite or PostgreSQL, Flyway
 * {@code V3}). A run is claimed by inserting its {@code (model, slot)} row with {@code ON CONFLICT
 * DO NOTHING}: the primary key lets exactly one insert through, on both dialects, and a claim holds
 * no lock or connection while the replica decides.
 */
public final class JdbcDecisionHistory implements DecisionHistory {
  /** Claims older than this many slots are deleted when a newer one is taken. */
  static final long KEPT_SLOTS = 1000;

  private final DataSource ds;

  public JdbcDecisionHistory(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public boolean claim(String model, long slot, String replica, Instant now) {
    try (Connection c = ds.getConnection()) {
      int inserted;
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO promotion_runs (model_name, run_slot, claimed_by, claimed_at_micros)"
                  + " VALUES (?, ?, ?, ?) ON CONFLICT (model_name, run_slot) DO NOTHING")) {
        s.setString(1, model);
        s.setLong(2, slot);
        s.setString(3, replica);
        s.setLong(4, micros(now));
        inserted = s.executeUpdate();
      }
      if (inserted == 1) {
        try (PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM promotion_runs WHERE model_name = ? AND run_slot < ?")) {
          s.setString(1, model);
          s.setLong(2, slot - KEPT_SLOTS);
          s.executeUpdate();
        }
      }
      return inserted == 1;
    } catch (SQLException e) {
      throw failed("claim the promotion run", e);
    }
  }

  @Override
  public void record(PromotionDecision d, ComparisonMetric metric, String replica) {
    Optional<ConfidenceInterval> lead =
        (d.kind() == DecisionKind.ROLLBACK ? d.regression() : d.promotion())
            .map(c -> c.difference(metric));
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO promotion_decisions (model_name, decided_at_micros, kind,"
                    + " production_version, challenger_version, resulting_production_version,"
                    + " metric, difference, difference_lower, difference_upper, reason, decided_by,"
                    + " promotion, regression) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, d.model());
      s.setLong(2, micros(d.decidedAt()));
      s.setString(3, d.kind().tag());
      s.setLong(4, d.productionVersion());
      s.setLong(5, d.challengerVersion());
      s.setLong(6, d.resultingProductionVersion());
      s.setString(7, metric.name().toLowerCase(Locale.ROOT));
      setDouble(s, 8, lead.map(ConfidenceInterval::estimate));
      setDouble(s, 9, lead.map(ConfidenceInterval::lower));
      setDouble(s, 10, lead.map(ConfidenceInterval::upper));
      s.setString(11, d.reason());
      s.setString(12, replica);
      s.setString(13, d.promotion().map(JdbcDecisionHistory::encode).orElse(null));
      s.setString(14, d.regression().map(JdbcDecisionHistory::encode).orElse(null));
      s.executeUpdate();
    } catch (SQLException e) {
      throw failed("record the promotion decision", e);
    }
  }

  @Override
  public List<RecordedDecision> recent(String model, int limit) {
    List<RecordedDecision> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT decided_at_micros, kind, production_version, challenger_version,"
                    + " resulting_production_version, metric, difference, difference_lower,"
                    + " difference_upper, reason, decided_by, promotion, regression"
                    + " FROM promotion_decisions WHERE model_name = ?"
                    + " ORDER BY decided_at_micros DESC, id DESC LIMIT ?")) {
      s.setString(1, model);
      s.setInt(2, Math.max(0, limit));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          PromotionDecision d =
              new PromotionDecision(
                  model,
                  DecisionKind.valueOf(r.getString(2).toUpperCase(Locale.ROOT)),
                  fromMicros(r.getLong(1)),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5),
                  r.getString(10),
                  Optional.ofNullable(r.getString(12)).map(e -> decode(model, e)),
                  Optional.ofNullable(r.getString(13)).map(e -> decode(model, e)));
          out.add(
              new RecordedDecision(
                  d,
                  ComparisonMetric.valueOf(r.getString(6).toUpperCase(Locale.ROOT)),
                  getDouble(r, 7),
                  getDouble(r, 8),
                  getDouble(r, 9),
                  r.getString(11)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failed("read promotion decisions", e);
    }
  }

  /**
   * A comparison as one line of space-separated fields: numbers in Java's round-tripping decimal
   * form, texts URL-encoded (so they hold no space).
   */
  static String encode(PairedComparison c) {
    List<String> f = new ArrayList<>();
    f.add(Integer.toString(c.pairs()));
    f.add(Integer.toString(c.positives()));
    side(f, c.production());
    side(f, c.challenger());
    DeLong.Result d = c.rocAuc();
    for (double v :
        new double[] {
          d.aucA(),
          d.aucB(),
          d.difference(),
          d.standardError(),
          d.lower(),
          d.upper(),
          d.pValue(),
          d.level()
        }) {
      f.add(Double.toString(v));
    }
    f.add(Double.toString(c.prAucDifference().estimate()));
    f.add(Double.toString(c.prAucDifference().lower()));
    f.add(Double.toString(c.prAucDifference().upper()));
    f.add(text(c.bootstrap()));
    f.add(Double.toString(c.meanScoreDifference()));
    f.add(Double.toString(c.spearman()));
    f.add(Double.toString(c.kendall()));
    return String.join(" ", f);
  }

  static PairedComparison decode(String model, String encoded) {
    String[] f = encoded.split(" ", -1);
    int[] i = {0};
    int pairs = Integer.parseInt(f[i[0]++]);
    int positives = Integer.parseInt(f[i[0]++]);
    SideMetrics production = side(f, i);
    SideMetrics challenger = side(f, i);
    DeLong.Result d =
        new DeLong.Result(
            num(f, i), num(f, i), num(f, i), num(f, i), num(f, i), num(f, i), num(f, i), num(f, i));
    ConfidenceInterval pr = new ConfidenceInterval(num(f, i), num(f, i), num(f, i));
    String bootstrap = untext(f[i[0]++]);
    return new PairedComparison(
        model,
        pairs,
        positives,
        production,
        challenger,
        d,
        pr,
        bootstrap,
        num(f, i),
        num(f, i),
        num(f, i));
  }

  private static void side(List<String> f, SideMetrics s) {
    f.add(text(s.side().alias()));
    f.add(Long.toString(s.side().version()));
    f.add(Double.toString(s.rocAuc()));
    f.add(Double.toString(s.prAuc()));
    f.add(Double.toString(s.threshold()));
    f.add(Double.toString(s.precision()));
    f.add(Double.toString(s.recall()));
    f.add(Double.toString(s.meanScore()));
  }

  private static SideMetrics side(String[] f, int[] i) {
    String alias = untext(f[i[0]++]);
    long version = Long.parseLong(f[i[0]++]);
    return new SideMetrics(
        new ComparedSide(alias, version),
        num(f, i),
        num(f, i),
        num(f, i),
        num(f, i),
        num(f, i),
        num(f, i));
  }

  private static double num(String[] f, int[] i) {
    return Double.parseDouble(f[i[0]++]);
  }

  private static String text(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String untext(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static void setDouble(PreparedStatement s, int index, Optional<Double> v)
      throws SQLException {
    if (v.isPresent() && Double.isFinite(v.get())) {
      s.setDouble(index, v.get());
    } else {
      s.setNull(index, Types.DOUBLE);
    }
  }

  private static OptionalDouble getDouble(ResultSet r, int index) throws SQLException {
    double v = r.getDouble(index);
    return r.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  private static IllegalStateException failed(String what, SQLException e) {
    return new IllegalStateException(
        "promotion history: cannot " + what + ": " + e.getMessage(), e);
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
