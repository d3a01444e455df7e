package io.propensity.training.registry;

import java.util.List;
import java.util.Optional;

/**
 * A page of models, by name ascending.
 *
 * @param models the models
 * @param nextAfterName where the next page starts (names after this one); empty on the last page
 */
public record ModelPage(List<ModelSummary> models, Optional<String> nextAfterName) {
  public ModelPage {
    models = List.copyOf(models);
  }
}
