package io.propensity.inference.scoring;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureType;
import io.propensity.inference.serving.ServedModel;
import io.propensity.runtime.table.TableColumn;
import io.propensity.runtime.table.TableValueException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks inline inputs and turns them into feature rows. Field paths are the caller's prefix
 * ({@code input.} for Predict, empty for a batch row, whose paths are relative to the input) plus
 * the contract's field names, e.g. {@code input.features.values[3]}.
 */
public final class InputResolver {
  /** Longest user id accepted. */
  public static final int MAX_USER_ID_LENGTH = EventValidator.MAX_ID_LENGTH;

  /** Most inline events per input. */
  public static final int MAX_INLINE_EVENTS = 10_000;

  /** Most field violations listed for one input; the message gives the total. */
  static final int MAX_LISTED_VIOLATIONS = 100;

  private final FeatureSchema schema;
  private final EventValidator validator;
  private final Clock clock;

  public InputResolver(FeatureSchema schema, EventValidator validator, Clock clock) {
    this.schema = schema;
    this.validator = validator;
    this.clock = clock;
  }

  /** A user id checked for length; the field is named in any error. */
  public static String checkUserId(String userId, String field) {
    if (userId.isEmpty()) {
      throw InvalidInputException.of(
          field, "is required (1 to " + MAX_USER_ID_LENGTH + " characters)");
    }
    if (userId.length() > MAX_USER_ID_LENGTH) {
      throw InvalidInputException.of(
          field, userId.length() + " characters, at most " + MAX_USER_ID_LENGTH + " allowed");
    }
    return userId;
  }

  /** A checked feature vector as a row. */
  public FeatureRow vector(PredictionInput.ByVector v, ServedModel model, String prefix) {
    if (v.schemaHash().isEmpty()) {
      throw InvalidInputException.of(
          prefix + "features.schema_version_hash",
          "is required: the version hash of the schema the values follow");
    }
    if (!v.schemaHash().equals(model.descriptor().schemaHash())) {
      throw new FailedPreconditionException(
          prefix
              + "features.schema_version_hash: the values follow feature schema '"
              + v.schemaHash()
              + "', model "
              + model.descriptor().label()
              + " reads schema '"
              + model.descriptor().schemaHash()
              + "'");
    }
    double[] values = v.values();
    int size = model.provided() ? model.columns().size() : schema.size();
    if (values.length != size) {
      throw InvalidInputException.of(
          prefix + "features.values",
          values.length + " values, the schema has " + size + " features");
    }
    List<FieldError> bad = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < values.length; i++) {
      String why =
          model.provided()
              ? providedValueProblem(model.columns().get(i), values[i])
              : valueProblem(i, values[i]);
      if (why != null) {
        total++;
        if (bad.size() < MAX_LISTED_VIOLATIONS) {
          bad.add(new FieldError(prefix + "features.values[" + i + "]", why));
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new InvalidInputException(
          total + " invalid feature value" + (total == 1 ? "" : "s") + ", first: " + bad.get(0),
          bad);
    }
    return new FeatureRow(Optional.empty(), values, false, Optional.empty());
  }

  /** Why a value cannot be read as its feature's type, or null. NaN (missing) is always allowed. */
  private String valueProblem(int index, double v) {
    if (Double.isNaN(v)) {
      return null;
    }
    String name = schema.features().get(index).name();
    if (Double.isInfinite(v)) {
      return name + ": " + v + " is not allowed (NaN means missing)";
    }
    FeatureType type = schema.features().get(index).type();
    return switch (type) {
      case BOOLEAN -> v == 0 || v == 1 ? null : name + " is boolean: " + v + " is neither 0 nor 1";
      case COUNT ->
          v >= 0 && v == Math.rint(v)
              ? null
              : name + " is a count: " + v + " is not a whole number >= 0";
      case CATEGORICAL ->
          v >= 0 && v == Math.rint(v)
              ? null
              : name + " is categorical: " + v + " is not a level index >= 0";
      default -> null;
    };
  }

  /**
   * Why a value cannot be an encoded value of a provided feature, or null. NaN (missing) is always
   * allowed.
   */
  private static String providedValueProblem(TableColumn c, double v) {
    if (Double.isNaN(v)) {
      return null;
    }
    if (Double.isInfinite(v)) {
      return c.name() + ": " + v + " is not allowed (NaN means missing)";
    }
    return switch (c.kind()) {
      case BOOLEAN ->
          v == 0 || v == 1 ? null : c.name() + " is boolean: " + v + " is neither 0 nor 1";
      case CATEGORICAL -> {
        int levels = c.levels().orElseThrow().values().size();
        yield v >= 0 && v < levels && v == Math.rint(v)
            ? null
            : c.name() + " is categorical: " + v + " is not a level code from 0 to " + (levels - 1);
      }
      case NUMERIC -> null;
    };
  }

  /**
   * A provided row checked against a PROVIDED model's schema and encoded exactly as training read
   * its table.
   *
   * @param path the row's path in the request, e.g. {@code input.provided} or {@code
   *     segment.rows[3]}; each value's path is {@code path.values[name]}
   * @throws InvalidInputException naming every unknown, missing or unencodable value, or a too long
   *     row id
   */
  public static FeatureRow provided(PredictionInput.ByProvided p, ServedModel model, String path) {
    List<FieldError> bad = new ArrayList<>();
    int total = 0;
    if (p.rowId().length() > MAX_USER_ID_LENGTH) {
      total++;
      bad.add(
          new FieldError(
              path + ".row_id",
              p.rowId().length() + " characters, at most " + MAX_USER_ID_LENGTH + " allowed"));
    }
    List<TableColumn> columns = model.columns();
    Set<String> known = new HashSet<>(model.featureNames());
    for (String name : new TreeSet<>(p.values().keySet())) {
      if (!known.contains(name)) {
        total++;
        if (bad.size() < MAX_LISTED_VIOLATIONS) {
          bad.add(
              new FieldError(
                  path + ".values[" + name + "]",
                  "'"
                      + name
                      + "' is not a feature of model "
                      + model.descriptor().label()
                      + "; its "
                      + columns.size()
                      + " features are: "
                      + abbreviatedList(model.featureNames())));
        }
      }
    }
    double[] values = new double[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      TableColumn c = columns.get(i);
      ProvidedValue v = p.values().get(c.name());
      String why = null;
      if (v == null) {
        why =
            "is missing: every feature of model "
                + model.descriptor().label()
                + " needs a value (send missing when it is unknown)";
      } else {
        try {
          values[i] = encode(c, v);
        } catch (TableValueException e) {
          String m = e.getMessage();
          why = c.name() + (m.startsWith("is ") ? " " : ": ") + m;
        }
      }
      if (why != null) {
        total++;
        if (bad.size() < MAX_LISTED_VIOLATIONS) {
          bad.add(new FieldError(path + ".values[" + c.name() + "]", why));
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new InvalidInputException(
          total + " invalid provided value" + (total == 1 ? "" : "s") + ", first: " + bad.get(0),
          bad);
    }
    return new FeatureRow(
        p.rowId().isEmpty() ? Optional.empty() : Optional.of(p.rowId()),
        values,
        false,
        Optional.empty());
  }

  private static double encode(TableColumn c, ProvidedValue v) {
    if (v instanceof ProvidedValue.OfNumber n) {
      return c.encodeNumber(n.value());
    }
    if (v instanceof ProvidedValue.OfText t) {
      return c.encodeText(t.value());
    }
    if (v instanceof ProvidedValue.OfFlag f) {
      return c.encodeFlag(f.value());
    }
    if (v instanceof ProvidedValue.Missing) {
      return c.missing();
    }
    throw new TableValueException("is unset: set one of number, category, flag or missing");
  }

  private static String abbreviatedList(List<String> names) {
    int shown = Math.min(names.size(), 20);
    String list = String.join(", ", names.subList(0, shown));
    return shown < names.size() ? list + ", … (" + (names.size() - shown) + " more)" : list;
  }

  /**
   * The answer to an input a PROVIDED model cannot score: it cannot compute its features.
   *
   * @param what what was sent, e.g. {@code a user id}
   */
  public static FailedPreconditionException takesProvidedFeatures(ServedModel m, String what) {
    return new FailedPreconditionException(
        "model "
            + m.descriptor().label()
            + " takes provided features (it was trained on a team's own feature table, schema '"
            + m.descriptor().schemaHash()
            + "'), so it cannot score "
            + what
            + ": send each row's values by name (PredictionInput.provided, or SegmentFilter.rows"
            + " for RankTargets; GetModelInfo lists its features and levels), or a FeatureVector"
            + " of schema '"
            + m.descriptor().schemaHash()
            + "'");
  }

  /**
   * The answer to features the feature service computes with another schema than the model reads.
   *
   * @param computedHash version hash of the schema the feature service computes
   * @param advice what ends the message: empty, or a hint beginning with {@code ": "}
   */
  public static FailedPreconditionException otherComputedSchema(
      ServedModel m, String computedHash, String advice) {
    return new FailedPreconditionException(
        "the feature service computes feature schema '"
            + computedHash
            + "', model "
            + m.descriptor().label()
            + " reads '"
            + m.descriptor().schemaHash()
            + "'"
            + advice);
  }

  /** The answer to provided values sent to an ENGINE model. */
  public static FailedPreconditionException computesItsFeatures(ServedModel m, String field) {
    return new FailedPreconditionException(
        field
            + ": model "
            + m.descriptor().label()
            + " computes its features from events (feature schema '"
            + m.descriptor().schemaHash()
            + "'); provided feature values are for models trained on a team's own table: send a"
            + " user id, inline events or a FeatureVector");
  }

  /** Inline events checked and computed into features as of {@code as_of} (or now). */
  public FeatureRow events(PredictionInput.ByEvents in, String prefix) {
    List<ReceivedEvent> inputs = in.events();
    String list = prefix + "events.events";
    if (inputs.isEmpty()) {
      throw InvalidInputException.of(list, "at least 1 event is required");
    }
    if (inputs.size() > MAX_INLINE_EVENTS) {
      throw InvalidInputException.of(
          list, inputs.size() + " events, at most " + MAX_INLINE_EVENTS + " allowed");
    }
    List<FieldError> bad = new ArrayList<>();
    int total = 0;
    List<Event> events = new ArrayList<>(inputs.size());
    String user = null;
    int firstUserIndex = -1;
    for (int i = 0; i < inputs.size(); i++) {
      List<FieldViolation> problems = new ArrayList<>();
      ReceivedEvent e = inputs.get(i);
      if (e instanceof ReceivedEvent.Unparseable u) {
        problems.addAll(u.violations());
      } else {
        Event event = ((ReceivedEvent.Parsed) e).event();
        problems.addAll(validator.validate(event));
        if (problems.isEmpty()) {
          if (user == null) {
            user = event.userId();
            firstUserIndex = i;
          } else if (!user.equals(event.userId())) {
            problems.add(
                new FieldViolation(
                    "user_id",
                    "'"
                        + event.userId()
                        + "' differs from '"
                        + user
                        + "' of events["
                        + firstUserIndex
                        + "]: inline events must all be of one user"));
          }
          events.add(event);
        }
      }
      for (FieldViolation p : problems) {
        total++;
        if (bad.size() < MAX_LISTED_VIOLATIONS) {
          bad.add(new FieldError(list + "[" + i + "]." + p.field(), p.reason()));
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new InvalidInputException(
          total
              + " invalid inline event field"
              + (total == 1 ? "" : "s")
              + ", first: "
              + bad.get(0),
          bad);
    }
    Instant newest = events.stream().map(Event::occurredAt).max(Instant::compareTo).orElseThrow();
    Instant asOf;
    if (in.asOf().isPresent()) {
      asOf = in.asOf().get();
      if (asOf.isBefore(newest)) {
        throw InvalidInputException.of(
            prefix + "events.as_of", asOf + " is before the newest event (" + newest + ")");
      }
    } else {
      Instant now = clock.instant();
      asOf = now.isBefore(newest) ? newest : now;
    }
    double[] values = BatchFeatureComputer.compute(events, asOf).values();
    return new FeatureRow(Optional.of(user), values, false, Optional.of(asOf));
  }
}
