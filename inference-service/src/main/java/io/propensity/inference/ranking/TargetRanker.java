package io.propensity.inference.ranking;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.inference.scoring.FeatureRow;
import io.propensity.inference.scoring.InputResolver;
import io.propensity.inference.scoring.OnlineFeatureSource;
import io.propensity.inference.scoring.OnlineFeatureSource.OnlineFeatures;
import io.propensity.inference.scoring.OnlineFeatureSource.UserFeatures;
import io.propensity.inference.scoring.PredictionInput;
import io.propensity.inference.scoring.RowScorer;
import io.propensity.inference.scoring.ScoringMetrics;
import io.propensity.inference.serving.ModelLease;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Scores a segment of users with one version and hands them out ranked, highest probability first
 * (ties by the raw score, which separates users an isotonic calibration's flat steps give the same
 * probability, then by user id), then totals them.
 *
 * <p>Candidates are the request's user ids or, when it names none, every user of the {@link
 * UserDirectory} (the feature service's ListUsers, paged, with the activity bounds applied there);
 * without a directory (no feature service configured), the users this replica has seen on
 * StreamPredict streams. Features come in chunks, a few read ahead on a pool while the ranking
 * thread scores the chunk before them and lists the next page, and are scored in candidate order
 * (so the result does not depend on which read answers first); only the selection is kept in memory
 * (a bounded heap for top-K), with factors computed when a user enters it and kept as a few numbers
 * until sent, so ranking 100,000 users fits a small heap. A model of provided features (a team's
 * own table) ranks the request's own rows instead ({@code segment.rows}, each named by its row id),
 * every row checked and encoded before any is scored. The model version is released before the
 * targets are streamed, so a slow reader does not hold a retired version.
 */
public final class TargetRanker {
  /** Most candidate user ids in a request. */
  public static final int MAX_USER_IDS = 100_000;

  /** Largest top_k. */
  public static final int MAX_TOP_K = 1_000_000;

  /** Most factors per ranked user. */
  public static final int MAX_EXPLAIN_TOP_K = 10;

  private static final Comparator<Candidate> BEST_FIRST =
      Comparator.comparingDouble(Candidate::probability)
          .thenComparingDouble(Candidate::rawScore)
          .reversed()
          .thenComparing(Candidate::userId);

  /**
   * @param rawScore the model's raw score when the probability has steps, else the probability (it
   *     then orders like the raw score)
   */
  private record Candidate(
      String userId,
      double probability,
      double rawScore,
      boolean coldStart,
      RowScorer.CompactFactors factors) {}

  private final ServedModels models;
  private final OnlineFeatureSource features;
  private final RowScorer rows;
  private final Optional<UserDirectory> directory;
  private final Supplier<List<String>> streamUsers;
  private final ScoringMetrics metrics;
  private final Fetching fetching;
  private final Executor fetcher;

  /**
   * How candidates' features are read.
   *
   * @param pageSize users per directory page (ListUsers)
   * @param chunkSize users per features call
   * @param parallelism features calls kept in flight at once, each a chunk, answered in order while
   *     the ranking thread scores the chunk before them and lists the next page
   */
  public record Fetching(int pageSize, int chunkSize, int parallelism) {
    public Fetching {
      if (pageSize < 1 || chunkSize < 1 || parallelism < 1) {
        throw new IllegalArgumentException(
            "page size, chunk size and parallelism must be at least 1: "
                + pageSize
                + ", "
                + chunkSize
                + ", "
                + parallelism);
      }
    }
  }

  /**
   * A ranker that reads one chunk at a time on the ranking thread.
   *
   * @param directory every known user; empty when there is no feature service
   * @param streamUsers users seen on streams, the candidates when there is no directory
   * @param chunkSize users per features call and per directory page
   */
  public TargetRanker(
      ServedModels models,
      OnlineFeatureSource features,
      RowScorer rows,
      Optional<UserDirectory> directory,
      Supplier<List<String>> streamUsers,
      ScoringMetrics metrics,
      int chunkSize) {
    this(
        models,
        features,
        rows,
        directory,
        streamUsers,
        metrics,
        new Fetching(chunkSize, chunkSize, 1),
        Runnable::run);
  }

  /**
   * @param fetching page and chunk sizes and how many features calls are in flight
   * @param fetcher runs the features calls (with the caller's context, so that its deadline and
   *     cancellation reach them); {@code Runnable::run} reads on the ranking thread
   */
  public TargetRanker(
      ServedModels models,
      OnlineFeatureSource features,
      RowScorer rows,
      Optional<UserDirectory> directory,
      Supplier<List<String>> streamUsers,
      ScoringMetrics metrics,
      Fetching fetching,
      Executor fetcher) {
    this.models = models;
    this.features = features;
    this.rows = rows;
    this.directory = directory;
    this.streamUsers = streamUsers;
    this.metrics = metrics;
    this.fetching = fetching;
    this.fetcher = fetcher;
  }

  /** The candidates, one chunk at a time; an empty chunk ends them. */
  private interface Chunks {
    List<String> next();
  }

  private Chunks candidates(RankRequest r) {
    if (r.userIds().isEmpty() && directory.isPresent()) {
      UserDirectory users = directory.get();
      return new Chunks() {
        private Optional<String> token = Optional.empty();
        private boolean done;

        @Override
        public List<String> next() {
          while (!done) {
            UserDirectory.Page page =
                users.page(token, r.activeSince(), r.activeBefore(), fetching.pageSize());
            token = page.nextPageToken();
            done = token.isEmpty();
            if (!page.userIds().isEmpty()) {
              return page.userIds();
            }
          }
          return List.of();
        }
      };
    }
    List<String> all =
        List.copyOf(new LinkedHashSet<>(r.userIds().isEmpty() ? streamUsers.get() : r.userIds()));
    return new Chunks() {
      private int from;

      @Override
      public List<String> next() {
        int size = fetching.pageSize();
        List<String> chunk =
            all.subList(Math.min(from, all.size()), Math.min(all.size(), from + size));
        from += size;
        return chunk;
      }
    };
  }

  /** Checks a request before anything is scored. */
  public static void check(RankRequest r) {
    List<FieldError> bad = new ArrayList<>();
    if (r.topK() < 0 || r.topK() > MAX_TOP_K) {
      bad.add(new FieldError("top_k", r.topK() + " is outside 0 to " + MAX_TOP_K));
    }
    if (r.minProbability().isPresent()) {
      double p = r.minProbability().getAsDouble();
      if (!(p >= 0 && p <= 1)) {
        bad.add(new FieldError("min_probability", p + " is outside 0 to 1"));
      }
    }
    if (r.topK() == 0 && r.minProbability().isEmpty()) {
      bad.add(new FieldError("top_k", "set top_k, min_probability or both"));
    }
    if (r.explainTopK() < 0 || r.explainTopK() > MAX_EXPLAIN_TOP_K) {
      bad.add(
          new FieldError(
              "explain_top_k", r.explainTopK() + " is outside 0 to " + MAX_EXPLAIN_TOP_K));
    }
    if (r.userIds().size() > MAX_USER_IDS) {
      bad.add(
          new FieldError(
              "segment.user_ids",
              r.userIds().size() + " user ids, at most " + MAX_USER_IDS + " allowed"));
    } else {
      for (int i = 0; i < r.userIds().size() && bad.size() < 100; i++) {
        String id = r.userIds().get(i);
        if (id.isEmpty() || id.length() > InputResolver.MAX_USER_ID_LENGTH) {
          bad.add(
              new FieldError(
                  "segment.user_ids[" + i + "]",
                  id.isEmpty()
                      ? "is empty"
                      : id.length() + " characters, at most " + InputResolver.MAX_USER_ID_LENGTH));
        }
      }
    }
    checkRows(r, bad);
    if (r.activeSince().isPresent()
        && r.activeBefore().isPresent()
        && r.activeSince().get().isAfter(r.activeBefore().get())) {
      bad.add(
          new FieldError(
              "segment.active_since", "is after segment.active_before: no user can match"));
    }
    if (!bad.isEmpty()) {
      throw new InvalidInputException(bad.get(0).toString(), bad);
    }
  }

  /** Provided rows: how many, alone, each with a short row id unique in the request. */
  private static void checkRows(RankRequest r, List<FieldError> bad) {
    if (r.rows().isEmpty()) {
      return;
    }
    if (!r.userIds().isEmpty() || r.activeSince().isPresent() || r.activeBefore().isPresent()) {
      bad.add(
          new FieldError(
              "segment.rows",
              "rows are the only filter allowed with them: leave segment.user_ids,"
                  + " active_since and active_before unset"));
    }
    if (r.rows().size() > MAX_USER_IDS) {
      bad.add(
          new FieldError(
              "segment.rows", r.rows().size() + " rows, at most " + MAX_USER_IDS + " allowed"));
      return;
    }
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < r.rows().size() && bad.size() < 100; i++) {
      String id = r.rows().get(i).rowId();
      String field = "segment.rows[" + i + "].row_id";
      if (id.isEmpty()) {
        bad.add(
            new FieldError(
                field,
                "is required: each ranked row is named by its row_id (1 to "
                    + InputResolver.MAX_USER_ID_LENGTH
                    + " characters)"));
      } else if (id.length() > InputResolver.MAX_USER_ID_LENGTH) {
        bad.add(
            new FieldError(
                field, id.length() + " characters, at most " + InputResolver.MAX_USER_ID_LENGTH));
      } else {
        Integer before = first.putIfAbsent(id, i);
        if (before != null) {
          bad.add(
              new FieldError(
                  field,
                  "'"
                      + id
                      + "' is also segment.rows["
                      + before
                      + "].row_id: row ids must be unique in a request"));
        }
      }
    }
  }

  /** Candidates with their vectors, one batch at a time; an empty batch ends them. */
  private interface Batches {
    List<UserFeatures> next();

    /** Gives up the reads still in flight (after the end, a failure or a cancellation). */
    default void close() {}
  }

  /**
   * The users of a request with their online features, checked against an ENGINE model: chunks of
   * the candidates read {@code parallelism} at a time ahead of the one being scored, handed out in
   * candidate order (so the ranking is the same whatever the parallelism).
   */
  private Batches userBatches(RankRequest r, ServedModel m, Instant[] asOf) {
    if (m.provided()) {
      throw InputResolver.takesProvidedFeatures(
          m, "users (segment.user_ids, active bounds or all users)");
    }
    Chunks candidates = candidates(r);
    return new Batches() {
      private final ArrayDeque<CompletableFuture<OnlineFeatures>> inFlight = new ArrayDeque<>();
      private List<String> page = List.of();
      private int at;
      private boolean listed;

      @Override
      public List<UserFeatures> next() {
        fill();
        CompletableFuture<OnlineFeatures> head = inFlight.poll();
        if (head == null) {
          return List.of();
        }
        OnlineFeatures f = await(head);
        // the next reads start before this chunk is scored
        fill();
        if (!f.schemaHash().equals(m.descriptor().schemaHash())) {
          throw InputResolver.otherComputedSchema(m, f.schemaHash(), "");
        }
        asOf[0] = asOf[0] == null || f.asOf().isAfter(asOf[0]) ? f.asOf() : asOf[0];
        return f.users(); // one per requested id, so only the end of the candidates is empty
      }

      private void fill() {
        while (inFlight.size() < fetching.parallelism()) {
          if (at >= page.size()) {
            if (listed) {
              return;
            }
            page = candidates.next();
            at = 0;
            if (page.isEmpty()) {
              listed = true;
              return;
            }
          }
          List<String> chunk = page.subList(at, Math.min(page.size(), at + fetching.chunkSize()));
          at += chunk.size();
          inFlight.add(CompletableFuture.supplyAsync(() -> features.fetch(chunk), fetcher));
        }
      }

      @Override
      public void close() {
        for (CompletableFuture<OnlineFeatures> f : inFlight) {
          f.cancel(false);
        }
        inFlight.clear();
      }
    };
  }

  /** A read's answer, or the exception it failed with, as thrown on the ranking thread. */
  private static OnlineFeatures await(CompletableFuture<OnlineFeatures> read) {
    try {
      return read.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** The request's provided rows, encoded for a PROVIDED model, as one batch. */
  private static Batches rowBatches(RankRequest r, ServedModel m) {
    if (!m.provided()) {
      throw InputResolver.computesItsFeatures(m, "segment.rows");
    }
    List<UserFeatures> encoded = new ArrayList<>(r.rows().size());
    List<FieldError> bad = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < r.rows().size(); i++) {
      PredictionInput.ByProvided row = r.rows().get(i);
      try {
        FeatureRow f = InputResolver.provided(row, m, "segment.rows[" + i + "]");
        encoded.add(new UserFeatures(row.rowId(), f.values(), false, Optional.empty()));
      } catch (InvalidInputException e) {
        total += e.violations().size();
        for (FieldError v : e.violations()) {
          if (bad.size() < 100) {
            bad.add(v);
          }
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new InvalidInputException(
          total + " invalid provided value" + (total == 1 ? "" : "s") + ", first: " + bad.get(0),
          bad);
    }
    boolean[] given = {false};
    return () -> {
      if (given[0]) {
        return List.of();
      }
      given[0] = true;
      return encoded;
    };
  }

  /**
   * Ranks the request's candidates, giving each selected user to {@code sink} in rank order; stops
   * early (returning the totals so far) once {@code cancelled} says so.
   */
  public RankingSummary rank(
      RankRequest r, Consumer<RankedTarget> sink, BooleanSupplier cancelled) {
    long started = System.nanoTime();
    check(r);
    try {
      String modelName;
      long modelVersion;
      double threshold;
      long scored = 0;
      double sumAll = 0;
      Instant asOf = null;
      List<Candidate> selection;
      ServedModel served;
      try (ModelLease lease = models.lease(r.model())) {
        ServedModel m = lease.served();
        boolean steps = lease.probabilityHasSteps();
        modelName = m.name();
        modelVersion = m.version();
        threshold = m.threshold();
        Instant[] newest = {null};
        Batches batches = r.rows().isEmpty() ? userBatches(r, m, newest) : rowBatches(r, m);
        PriorityQueue<Candidate> heap = new PriorityQueue<>(BEST_FIRST.reversed());
        List<Candidate> unbounded = new ArrayList<>();
        try {
          for (List<UserFeatures> batch = batches.next();
              !batch.isEmpty() && !cancelled.getAsBoolean();
              batch = batches.next()) {
            for (UserFeatures u : batch) {
              if (!active(u, r)) {
                continue;
              }
              double p = lease.probability(u.values());
              double raw = steps ? lease.rawScore(u.values()) : p;
              scored++;
              sumAll += p;
              if (r.minProbability().isPresent() && p < r.minProbability().getAsDouble()) {
                continue;
              }
              Candidate c =
                  new Candidate(u.userId(), p, raw, u.coldStart(), RowScorer.CompactFactors.NONE);
              if (r.topK() > 0 && heap.size() == r.topK()) {
                if (BEST_FIRST.compare(c, heap.peek()) >= 0) {
                  continue;
                }
                heap.poll();
              }
              if (r.explainTopK() > 0) {
                c =
                    new Candidate(
                        c.userId(),
                        p,
                        raw,
                        c.coldStart(),
                        rows.compactTopFactors(lease, u.values(), r.explainTopK()));
              }
              if (r.topK() > 0) {
                heap.add(c);
              } else {
                unbounded.add(c);
              }
            }
          }
        } finally {
          batches.close();
        }
        metrics.predicted(m, "rank", scored);
        selection = r.topK() > 0 ? new ArrayList<>(heap) : unbounded;
        asOf = newest[0];
        served = m;
      }
      selection.sort(BEST_FIRST);
      double selectedSum = 0;
      long rank = 0;
      for (Candidate c : selection) {
        if (cancelled.getAsBoolean()) {
          break;
        }
        sink.accept(
            new RankedTarget(
                ++rank,
                c.userId(),
                c.probability(),
                c.coldStart(),
                rows.describe(served, c.factors())));
        selectedSum += c.probability();
      }
      double baseRate = scored == 0 ? 0 : sumAll / scored;
      double lift = rank == 0 || baseRate == 0 ? 0 : (selectedSum / rank) / baseRate;
      return new RankingSummary(
          modelName,
          modelVersion,
          scored,
          rank,
          selectedSum,
          baseRate,
          lift,
          threshold,
          Optional.ofNullable(asOf));
    } finally {
      metrics.timed(ScoringMetrics.Operation.RANK, System.nanoTime() - started);
    }
  }

  private static boolean active(UserFeatures u, RankRequest r) {
    if (r.activeSince().isEmpty() && r.activeBefore().isEmpty()) {
      return true;
    }
    if (u.lastEventAt().isEmpty()) {
      return false;
    }
    Instant last = u.lastEventAt().get();
    return r.activeSince().map(s -> !last.isBefore(s)).orElse(true)
        && r.activeBefore().map(b -> !last.isAfter(b)).orElse(true);
  }
}
