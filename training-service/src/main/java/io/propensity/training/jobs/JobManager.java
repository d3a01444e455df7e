package io.propensity.training.jobs;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.error.PropensityException;
import io.propensity.common.error.ResourceExhaustedException;
import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.CancelledException;
import io.propensity.training.pipeline.Progress;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.TrainingDataException;
import io.propensity.training.pipeline.TrainingFailedException;
import io.propensity.training.pipeline.TrainingPipeline;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.TrainingSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues training jobs and runs them one at a time in the background (a run already uses both
 * cores), so {@link #start} returns at once. Clients follow a job with {@link #watch}, or poll it
 * with {@link #get}; a running job stops at its next checkpoint when cancelled.
 *
 * @param <S> the type of the callers' own descriptions of their jobs, echoed back in job views
 */
public final class JobManager<S> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);

  /** Progress reports pass to watchers at most this often (the pipeline reports per iteration). */
  private static final long PROGRESS_INTERVAL_NANOS = 200_000_000L;

  private final ExecutorService runner;
  private final TrainingPipeline pipeline;
  private final ModelPublisher publisher;
  private final Clock clock;
  private final int maxQueued;
  private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
  private final Map<String, String> byRequestId = new ConcurrentHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final JobClaims claims;

  /** A job manager of a single replica: request ids are remembered in this process. */
  public JobManager(
      ExecutorService runner,
      TrainingPipeline pipeline,
      ModelPublisher publisher,
      Clock clock,
      int maxQueued) {
    this(runner, pipeline, publisher, clock, maxQueued, JobClaims.IN_PROCESS);
  }

  /**
   * A job manager that claims request ids in {@code claims}, shared with the other replicas: a
   * request id starts one job whichever replica it reaches, however often it is retried.
   */
  public JobManager(
      ExecutorService runner,
      TrainingPipeline pipeline,
      ModelPublisher publisher,
      Clock clock,
      int maxQueued,
      JobClaims claims) {
    this.runner = runner;
    this.pipeline = pipeline;
    this.publisher = publisher;
    this.clock = clock;
    this.maxQueued = maxQueued;
    this.claims = claims;
  }

  /** A live job: its mutable state, guarded by the entry's monitor. */
  private final class Entry {
    final String id;
    final JobDefinition<S> definition;
    final Instant createdAt;
    final CancellationToken token = new CancellationToken();
    final List<Consumer<Job<S>>> watchers = new CopyOnWriteArrayList<>();
    JobState state = JobState.QUEUED;
    String failure;
    Instant startedAt;
    Instant finishedAt;
    Progress progress;
    Instant progressAt;
    long lastProgressNanos;
    TrainingResult result;
    ModelPublisher.Published published;

    Entry(String id, JobDefinition<S> definition, Instant createdAt) {
      this.id = id;
      this.definition = definition;
      this.createdAt = createdAt;
    }

    synchronized Job<S> snapshot() {
      return new Job<>(
          id,
          definition.modelName(),
          definition.spec(),
          state,
          Optional.ofNullable(failure),
          createdAt,
          Optional.ofNullable(startedAt),
          Optional.ofNullable(finishedAt),
          Optional.ofNullable(progress),
          Optional.ofNullable(progressAt),
          published == null ? OptionalLong.empty() : OptionalLong.of(published.version()),
          Optional.ofNullable(result).map(TrainingResult::modelEvaluation),
          Optional.ofNullable(result).map(TrainingResult::baselineEvaluation),
          Optional.ofNullable(result).map(TrainingResult::calibration),
          published == null ? Optional.empty() : published.promotion(),
          Optional.ofNullable(result).map(TrainingResult::comparison));
    }

    void notifyWatchers() {
      Job<S> now = snapshot();
      for (Consumer<Job<S>> w : watchers) {
        try {
          w.accept(now);
        } catch (RuntimeException e) {
          watchers.remove(w);
        }
      }
      if (now.state().terminal()) {
        watchers.clear();
      }
    }
  }

  /**
   * Queues a job and returns it (QUEUED). A repeated request id returns the job the first call
   * created; when another replica created it, nothing starts here.
   *
   * @throws ResourceExhaustedException when too many jobs wait already
   * @throws FailedPreconditionException when another replica already started the job of this
   *     request id (the message names the job and the replica)
   */
  public Job<S> start(JobDefinition<S> definition) {
    if (definition.requestId().isPresent()) {
      String existing = byRequestId.get(definition.requestId().get());
      if (existing != null) {
        return jobs.get(existing).snapshot();
      }
    }
    if (queued.get() >= maxQueued) {
      throw new ResourceExhaustedException(
          maxQueued + " jobs are already queued; wait for some to finish or cancel them");
    }
    String id = "job-" + UUID.randomUUID().toString().substring(0, 13);
    Entry e = new Entry(id, definition, clock.instant());
    if (definition.requestId().isPresent()) {
      String requestId = definition.requestId().get();
      String raced = byRequestId.putIfAbsent(requestId, id);
      if (raced != null) {
        return jobs.get(raced).snapshot();
      }
      JobClaims.Holder holder;
      try {
        holder = claims.claim(requestId, id);
      } catch (RuntimeException failed) {
        byRequestId.remove(requestId, id);
        throw failed;
      }
      if (!holder.jobId().equals(id)) {
        byRequestId.remove(requestId, id);
        Entry local = jobs.get(holder.jobId());
        if (local != null) {
          return local.snapshot();
        }
        LOG.info(
            "request id {} already started job {} on replica {}; not starting it again",
            requestId,
            holder.jobId(),
            holder.replica());
        throw new FailedPreconditionException(
            "request id '"
                + requestId
                + "' already started job "
                + holder.jobId()
                + " on training-service replica "
                + holder.replica()
                + "; nothing started here (follow the job on that replica)");
      }
    }
    jobs.put(id, e);
    queued.incrementAndGet();
    runner.execute(() -> run(e));
    LOG.info("job {} queued: model {}", id, definition.modelName());
    return e.snapshot();
  }

  private void run(Entry e) {
    synchronized (e) {
      queued.decrementAndGet();
      if (e.state != JobState.QUEUED) {
        return; // cancelled while queued
      }
      e.state = JobState.RUNNING;
      e.startedAt = clock.instant();
    }
    e.notifyWatchers();
    LOG.info("job {} running", e.id);
    ProgressListener listener = p -> onProgress(e, p);
    try {
      TrainingSource source = e.definition.loader().load(listener, e.token);
      e.token.throwIfCancelled();
      TrainingResult result = pipeline.run(e.definition.request().apply(source), listener, e.token);
      e.token.throwIfCancelled();
      synchronized (e) {
        e.result = result;
      }
      onProgress(
          e,
          Progress.stage(
              io.propensity.training.pipeline.Stage.REPORTING, 99, "registering the model"));
      ModelPublisher.Published published = publisher.publish(e.id, e.definition, result);
      finish(e, JobState.SUCCEEDED, null, published);
      LOG.info(
          "job {} succeeded: {} version {} (test ROC-AUC {}, F1 {})",
          e.id,
          e.definition.modelName(),
          published.version(),
          result.modelEvaluation().rocAuc(),
          result.modelEvaluation().f1());
    } catch (CancelledException c) {
      finish(e, JobState.CANCELLED, c.getMessage(), null);
      LOG.info("job {} cancelled: {}", e.id, c.getMessage());
    } catch (TrainingDataException
        | TrainingFailedException
        | PropensityException
        | IllegalArgumentException f) {
      finish(e, JobState.FAILED, f.getMessage(), null);
      LOG.warn("job {} failed: {}", e.id, f.getMessage());
    } catch (RuntimeException | Error f) {
      String incident = UUID.randomUUID().toString().substring(0, 8);
      finish(
          e,
          JobState.FAILED,
          "internal error (incident "
              + incident
              + "): "
              + f.getClass().getSimpleName()
              + (f.getMessage() == null ? "" : ": " + f.getMessage()),
          null);
      LOG.error("job {} failed, incident {}", e.id, incident, f);
    }
  }

  private void onProgress(Entry e, Progress p) {
    long now = System.nanoTime();
    boolean send;
    synchronized (e) {
      e.progress = p;
      e.progressAt = clock.instant();
      send = now - e.lastProgressNanos >= PROGRESS_INTERVAL_NANOS;
      if (send) {
        e.lastProgressNanos = now;
      }
    }
    if (send) {
      e.notifyWatchers();
    }
  }

  private void finish(Entry e, JobState state, String failure, ModelPublisher.Published published) {
    synchronized (e) {
      e.state = state;
      e.failure = failure;
      e.published = published;
      e.finishedAt = clock.instant();
    }
    e.notifyWatchers();
  }

  private Entry entry(String id) {
    Entry e = jobs.get(id);
    if (e == null) {
      throw new NotFoundException("no training job " + id);
    }
    return e;
  }

  /** The job's current state. */
  public Job<S> get(String id) {
    return entry(id).snapshot();
  }

  /**
   * Calls {@code watcher} with the job now and after every change, until it is terminal. Returns a
   * handle that stops the calls.
   */
  public Runnable watch(String id, Consumer<Job<S>> watcher) {
    Entry e = entry(id);
    e.watchers.add(watcher);
    Job<S> now = e.snapshot();
    watcher.accept(now);
    if (now.state().terminal()) {
      e.watchers.remove(watcher);
    }
    return () -> e.watchers.remove(watcher);
  }

  /**
   * Cancels a queued job at once, or asks a running one to stop at its next checkpoint.
   *
   * @throws FailedPreconditionException when the job already succeeded or failed
   */
  public Job<S> cancel(String id) {
    Entry e = entry(id);
    boolean cancelledNow = false;
    synchronized (e) {
      switch (e.state) {
        case SUCCEEDED, FAILED ->
            throw new FailedPreconditionException(
                "job " + id + " already " + e.state.name().toLowerCase() + "; nothing to cancel");
        case CANCELLED -> {
          return e.snapshot();
        }
        case QUEUED -> {
          e.state = JobState.CANCELLED;
          e.failure = "cancelled before it started";
          e.finishedAt = clock.instant();
          cancelledNow = true;
        }
        case RUNNING -> e.token.cancel();
      }
    }
    if (cancelledNow) {
      e.notifyWatchers();
    }
    return e.snapshot();
  }

  /** Jobs newest first, optionally only of one model and some states; {@code offset} pages. */
  public List<Job<S>> list(
      Optional<String> modelName, Set<JobState> states, int offset, int limit) {
    List<Job<S>> all = new ArrayList<>();
    for (Entry e : jobs.values()) {
      Job<S> j = e.snapshot();
      if (modelName.map(m -> m.equals(j.modelName())).orElse(true)
          && (states.isEmpty() || states.contains(j.state()))) {
        all.add(j);
      }
    }
    all.sort(Comparator.comparing((Job<S> j) -> j.createdAt()).reversed().thenComparing(Job::id));
    return all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit));
  }

  /** The finished result of a succeeded job still in memory (for tests and the report). */
  public Optional<TrainingResult> result(String id) {
    Entry e = entry(id);
    synchronized (e) {
      return Optional.ofNullable(e.result);
    }
  }

  @Override
  public void close() {
    for (Entry e : jobs.values()) {
      e.token.cancel();
    }
    runner.shutdownNow();
  }

  /** Jobs by state, for metrics. */
  public Map<JobState, Long> counts() {
    Map<JobState, Long> out = new LinkedHashMap<>();
    for (JobState s : JobState.values()) {
      out.put(s, 0L);
    }
    for (Entry e : jobs.values()) {
      out.merge(e.snapshot().state(), 1L, Long::sum);
    }
    return out;
  }
}
