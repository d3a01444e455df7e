package io.propensity.inference.reload;

import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ServedModels} on the version each model's alias (normally {@code production}) points
 * at. Two triggers feed it: the registry's watch stream (reopened with exponential backoff and
 * jitter after any failure, each time with the initial state) and a periodic poll of the alias, the
 * fallback when the stream is silently broken.
 *
 * <p>Everything runs on one thread, in arrival order: an alias update records the wanted version
 * and queues a reconcile that loads whatever is wanted <em>when it runs</em>, so a burst of
 * promotions loads only the newest, and a poll answer can never overtake a later stream update.
 * Versions are immutable, so a refused version is remembered and never tried again; a version that
 * could not be fetched is tried again on the next trigger.
 */
public final class ModelReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);

  /**
   * Reload settings.
   *
   * @param alias alias to follow, e.g. {@code production}
   * @param models names to serve; empty means every model in the registry
   * @param pollInterval how often the alias is polled besides the watch stream
   * @param initialBackoff first wait before reopening a failed watch stream
   * @param maxBackoff longest wait between reopening attempts
   */
  public record Settings(
      String alias,
      List<String> models,
      Duration pollInterval,
      Duration initialBackoff,
      Duration maxBackoff) {
    public Settings {
      Objects.requireNonNull(alias, "alias");
      models = List.copyOf(models);
    }
  }

  private final ModelSource source;
  private final ModelLoader loader;
  private final ServedModels served;
  private final Settings settings;
  private final ReloadListener listener;
  private final ScheduledExecutorService thread;

  // Confined to `thread`.
  private final Map<String, Long> wanted = new HashMap<>();
  private final Map<String, Set<Long>> refused = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private ModelSource.Watch watch;
  private long watchGeneration;
  private Duration backoff;
  private boolean registryReachable = true;
  private volatile boolean closed;

  public ModelReloader(
      ModelSource source,
      ModelLoader loader,
      ServedModels served,
      Settings settings,
      ReloadListener listener) {
    this.source = Objects.requireNonNull(source, "source");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.served = Objects.requireNonNull(served, "served");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.backoff = settings.initialBackoff();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "inference-reload");
              t.setDaemon(true);
              return t;
            });
  }

  /** Opens the watch stream and starts polling; returns at once. */
  public void start() {
    settings.models().forEach(served::markKnown);
    run(this::openWatch);
    long pollMillis = Math.max(1, settings.pollInterval().toMillis());
    thread.scheduleWithFixedDelay(this::poll, 0, pollMillis, TimeUnit.MILLISECONDS);
  }

  private void run(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException shuttingDown) {
      // closed: nothing more to do
    }
  }

  private void openWatch() {
    if (closed) {
      return;
    }
    long generation = ++watchGeneration;
    try {
      watch =
          source.watch(
              settings.models(),
              new ModelSource.WatchListener() {
                @Override
                public void aliases(List<AliasUpdate> updates) {
                  run(() -> onAliases(generation, updates));
                }

                @Override
                public void ended(Optional<Throwable> error) {
                  run(() -> onWatchEnded(generation, error));
                }
              });
    } catch (RuntimeException e) {
      onWatchEnded(generation, Optional.of(e));
    }
  }

  private void onAliases(long generation, List<AliasUpdate> updates) {
    if (generation != watchGeneration) {
      return;
    }
    backoff = settings.initialBackoff();
    reachable();
    for (AliasUpdate u : updates) {
      if (u.alias().equals(settings.alias()) && follows(u.name())) {
        want(u.name(), u.version());
      } else if (follows(u.name())) {
        served.markKnown(u.name());
      }
    }
  }

  private boolean follows(String name) {
    return settings.models().isEmpty() || settings.models().contains(name);
  }

  private void onWatchEnded(long generation, Optional<Throwable> error) {
    if (generation != watchGeneration || closed) {
      return;
    }
    Duration wait = backoff;
    backoff =
        backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
            ? settings.maxBackoff()
            : backoff.multipliedBy(2);
    long jittered =
        (long) (wait.toMillis() * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    LOG.atInfo()
        .addKeyValue("retryInMs", jittered)
        .log(
            "registry watch stream ended ({}); reopening in {} ms",
            error.map(Throwable::getMessage).orElse("completed by the registry"),
            jittered);
    try {
      thread.schedule(this::openWatch, Math.max(1, jittered), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      // closed
    }
  }

  private void poll() {
    if (closed) {
      return;
    }
    try {
      List<String> names = settings.models().isEmpty() ? source.modelNames() : settings.models();
      for (String name : names) {
        served.markKnown(name);
        OptionalLong version = source.aliasVersion(name, settings.alias());
        if (version.isPresent()) {
          want(name, version.getAsLong());
        }
      }
      reachable();
    } catch (ModelSourceException e) {
      if (registryReachable) {
        LOG.warn(
            "cannot poll the model registry (the current versions keep serving): {}",
            e.getMessage());
        registryReachable = false;
      }
    } catch (RuntimeException e) {
      LOG.error("unexpected failure while polling the model registry", e);
    }
  }

  private void reachable() {
    if (!registryReachable) {
      LOG.info("the model registry is reachable again");
      registryReachable = true;
    }
  }

  private void want(String name, long version) {
    served.markKnown(name);
    wanted.put(name, version);
    run(() -> reconcile(name));
  }

  private void reconcile(String name) {
    Long version = wanted.get(name);
    if (closed || version == null) {
      return;
    }
    OptionalLong current = served.currentVersion(name);
    if ((current.isPresent() && current.getAsLong() == version)
        || refused.getOrDefault(name, Set.of()).contains(version)) {
      return;
    }
    long started = System.nanoTime();
    try {
      ModelDescriptor d = source.describe(name, version);
      loader.checkDescriptor(d);
      Artifact artifact = source.download(name, version, loader.settings().maxArtifactBytes());
      ServedModel model = loader.load(d, artifact, settings.alias());
      Optional<ServedModel> previous = served.swapIn(model);
      failures.remove(name);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      listener.loaded(model, took);
      LOG.atInfo()
          .addKeyValue("model", name)
          .addKeyValue("version", version)
          .addKeyValue("previousVersion", previous.map(ServedModel::version).orElse(0L))
          .addKeyValue("loadMs", took.toMillis())
          .log(
              "serving {} (was {}), loaded and validated in {} ms",
              d.label(),
              previous.map(p -> "version " + p.version()).orElse("nothing"),
              took.toMillis());
    } catch (ModelRefusedException e) {
      refused.computeIfAbsent(name, n -> new HashSet<>()).add(version);
      listener.refused(name, version, e.reason(), e.getMessage());
      LOG.atWarn()
          .addKeyValue("model", name)
          .addKeyValue("version", version)
          .addKeyValue("reason", e.reason().tag())
          .log(
              "refused {}@{} ({}): {}; {} keeps serving",
              name,
              version,
              e.reason().tag(),
              e.getMessage(),
              current.isPresent() ? "version " + current.getAsLong() : "nothing");
    } catch (RuntimeException e) {
      listener.failed(name, version, String.valueOf(e.getMessage()));
      int attempt = failures.merge(name, 1, Integer::sum);
      Duration retry = retryDelay(attempt);
      LOG.atWarn()
          .addKeyValue("model", name)
          .addKeyValue("version", version)
          .addKeyValue("retryInMs", retry.toMillis())
          .log(
              "cannot load {}@{} now, retrying in {} ms: {}",
              name,
              version,
              retry.toMillis(),
              e.getMessage());
      try {
        thread.schedule(() -> reconcile(name), retry.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        // closed
      }
    }
  }

  private Duration retryDelay(int attempt) {
    Duration d = settings.initialBackoff();
    for (int i = 1; i < attempt && d.compareTo(settings.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
  }

  /** Stops watching and polling; waits for a load in progress to finish. */
  @Override
  public void close() {
    closed = true;
    try {
      thread
          .submit(
              () -> {
                if (watch != null) {
                  watch.cancel();
                }
              })
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // shutting down anyway
    }
    thread.shutdownNow();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
