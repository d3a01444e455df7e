package io.propensity.inference.outcomes;

import io.propensity.inference.outcomes.OutcomeStore.Joined;
import io.propensity.inference.outcomes.OutcomeStore.ServedKey;
import io.propensity.inference.predictionlog.PredictionLogStore;
import io.propensity.inference.predictionlog.PredictionPage;
import io.propensity.inference.predictionlog.PredictionQuery;
import io.propensity.inference.predictionlog.ServedPrediction;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link LabeledPredictions} over the served-prediction log and the joined outcomes: every logged
 * answer (shadow answers included) whose outcome is final and labelled (positive or negative; a
 * not-eligible user is left out, as a training set leaves them out).
 */
public final class JoinedPredictions implements LabeledPredictions {
  private static final int PAGE = 5_000;

  private final PredictionLogStore log;
  private final OutcomeStore outcomes;

  public JoinedPredictions(PredictionLogStore log, OutcomeStore outcomes) {
    this.log = log;
    this.outcomes = outcomes;
  }

  @Override
  public List<LabeledPrediction> servedBetween(String modelName, Instant from, Instant to) {
    Map<ServedKey, Joined> joined = outcomes.outcomes(modelName, from, to);
    List<LabeledPrediction> out = new ArrayList<>();
    if (joined.isEmpty()) {
      return out;
    }
    PredictionQuery q =
        new PredictionQuery(
            Optional.of(modelName),
            OptionalLong.empty(),
            Optional.of(from),
            Optional.of(to),
            Optional.empty(),
            0,
            PAGE);
    while (true) {
      PredictionPage page = log.list(q);
      for (ServedPrediction p : page.predictions()) {
        Joined j =
            joined.get(
                new ServedKey(
                    p.requestId(),
                    p.rowIndex(),
                    p.modelAlias(),
                    p.modelVersion(),
                    ChronoUnit.MICROS.between(Instant.EPOCH, p.servedAt())));
        if (j != null && j.status() != OutcomeStatus.NOT_ELIGIBLE) {
          out.add(new LabeledPrediction(p, j.status() == OutcomeStatus.POSITIVE, j.knownAt()));
        }
      }
      if (page.next().isEmpty()) {
        break;
      }
      q = q.after(page.next().getAsLong());
    }
    out.sort(Comparator.comparing(l -> l.served().servedAt()));
    return out;
  }
}
