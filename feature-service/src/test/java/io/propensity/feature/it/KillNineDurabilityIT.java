package io.propensity.feature.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.propensity.common.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;

/**
 * Acknowledged means durable: a crash right in the middle of ingestion loses no acknowledged event.
 */
class KillNineDurabilityIT {
  @TempDir Path dir;

  @Test
  void acknowledgedEventsSurviveKillNineExactlyOnce() throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> env = Map.of("PROPENSITY_DATA_DIR", data.toString());
    Path jar = ServiceProcess.builtJar();
    List<List<Event>> acknowledged = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch enoughAcked = new CountDownLatch(20);

    ServiceProcess first =
        ServiceProcess.of(jar, env, List.of("-Xmx256m"), dir.resolve("first.log"));
    first.start(Duration.ofSeconds(60));
    int writers = 3;
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                ManagedChannel ch = first.channel();
                try {
                  var stub = FeatureServiceGrpc.newBlockingStub(ch);
                  for (int batch = 0; !stop.get(); batch++) {
                    List<Event> events = batch(writer, batch);
                    try {
                      // generous: a writer quits on its first failure, and a stalled fsync before
                      // the kill must not be one
                      IngestEventsResponse r =
                          stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                              .ingestEvents(
                                  IngestEventsRequest.newBuilder().addAllEvents(events).build());
                      assertThat(r.getAcceptedCount()).isEqualTo(events.size());
                      acknowledged.add(events);
                      enoughAcked.countDown();
                    } catch (io.grpc.StatusRuntimeException crashed) {
                      return; // the server died mid-call: this batch is not acknowledged
                    }
                  }
                } finally {
                  ch.shutdownNow();
                }
              });
      t.start();
      threads.add(t);
    }
    assertThat(enoughAcked.await(60, TimeUnit.SECONDS)).as("20 batches acknowledged").isTrue();
    first.kill(); // SIGKILL while the writers are still sending
    stop.set(true);
    for (Thread t : threads) {
      t.join(30_000);
    }
    int ackedEvents = acknowledged.stream().mapToInt(List::size).sum();
    assertThat(ackedEvents).isGreaterThan(0);

    // Restart on the same data: every acknowledged event is there, so re-sending them is all
    // duplicates.
    try (ServiceProcess second =
        ServiceProcess.of(jar, env, List.of("-Xmx256m"), dir.resolve("second.log"))) {
      second.start(Duration.ofSeconds(60));
      ManagedChannel ch = second.channel();
      try {
        var stub = FeatureServiceGrpc.newBlockingStub(ch);
        long duplicates = 0;
        for (List<Event> events : acknowledged) {
          duplicates +=
              stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                  .ingestEvents(IngestEventsRequest.newBuilder().addAllEvents(events).build())
                  .getDuplicateCount();
        }
        assertThat(duplicates).isEqualTo(ackedEvents);
      } finally {
        ch.shutdownNow();
      }
    }

    // Exactly once: no event id stored twice.
    Path db = data.resolve("feature-service").resolve("events.db");
    assertThat(Files.exists(db)).isTrue();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM events")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isGreaterThanOrEqualTo(ackedEvents);
    }
  }

  private static List<Event> batch(int writer, int batch) {
    List<Event> out = new ArrayList<>();
    Instant t = Instant.now().minusSeconds(600);
    for (int i = 0; i < 50; i++) {
      out.add(
          Event.newBuilder()
              .setEventId("w" + writer + "-b" + batch + "-" + i)
              .setUserId("user-" + (i % 13))
              .setOccurredAt(Timestamp.newBuilder().setSeconds(t.getEpochSecond() + i))
              .setType(EventType.EVENT_TYPE_PAGE_VIEW)
              .build());
    }
    return out;
  }
}
