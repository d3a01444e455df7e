package io.propensity.feature.online;

/** The online store contract, in this process. */
class InMemoryOnlineFeatureStoreTest extends OnlineFeatureStoreContract {
  @Override
  protected OnlineFeatureStore open() {
    return new InMemoryOnlineFeatureStore();
  }
}
