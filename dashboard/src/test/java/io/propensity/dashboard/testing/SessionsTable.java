package io.propensity.dashboard.testing;

import java.util.Random;
import propensity.inference.v1.ProvidedFeatureValue;

/**
 * A small table of shop sessions as a team might export it: string categoricals with empty cells
 * ({@code Month}, {@code VisitorType}), a boolean ({@code Weekend}), numbers with empty cells and
 * the label {@value #LABEL}, which depends on all of them.
 */
public final class SessionsTable {
  public static final String LABEL = "Revenue";
  public static final String HEADER =
      "Month,VisitorType,Weekend,PageValues,ProductDuration," + LABEL;
  static final String[] MONTHS = {"Feb", "Mar", "May", "Nov", "Dec"};
  static final String[] VISITORS = {"Returning_Visitor", "New_Visitor", "Other"};

  private SessionsTable() {}

  /** {@code rows} rows drawn with {@code seed}; the same for the same arguments. */
  public static String csv(int rows, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < rows; i++) {
      String month = MONTHS[r.nextInt(MONTHS.length)];
      String visitor = r.nextDouble() < 0.05 ? "" : VISITORS[r.nextInt(VISITORS.length)];
      boolean weekend = r.nextBoolean();
      double pageValues =
          r.nextDouble() < 0.1 ? Double.NaN : Math.round(r.nextDouble() * 4000) / 100.0;
      double duration = Math.round(r.nextDouble() * 300000) / 100.0;
      double logit =
          -1.5
              + (month.equals("Nov") ? 1.2 : 0)
              + (visitor.equals("New_Visitor") ? 0.8 : 0)
              + (Double.isNaN(pageValues) ? 0 : pageValues / 15)
              + (weekend ? 0.3 : 0);
      boolean revenue = r.nextDouble() < 1 / (1 + Math.exp(-logit));
      sb.append(month)
          .append(',')
          .append(visitor)
          .append(',')
          .append(weekend ? "TRUE" : "FALSE")
          .append(',')
          .append(Double.isNaN(pageValues) ? "" : Double.toString(pageValues))
          .append(',')
          .append(duration)
          .append(',')
          .append(revenue)
          .append('\n');
    }
    return sb.toString();
  }

  /** A provided number. */
  public static ProvidedFeatureValue number(double v) {
    return ProvidedFeatureValue.newBuilder().setNumber(v).build();
  }

  /** A provided categorical level. */
  public static ProvidedFeatureValue category(String level) {
    return ProvidedFeatureValue.newBuilder().setCategory(level).build();
  }

  /** A provided boolean. */
  public static ProvidedFeatureValue flag(boolean v) {
    return ProvidedFeatureValue.newBuilder().setFlag(v).build();
  }

  /** A provided missing value. */
  public static ProvidedFeatureValue missing() {
    return ProvidedFeatureValue.newBuilder().setMissing(true).build();
  }
}
