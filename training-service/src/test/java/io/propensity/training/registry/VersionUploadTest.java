package io.propensity.training.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.ResourceExhaustedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionUploadTest {
  private static final byte[] ARTIFACT = "0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] REPORT = "<html/>".getBytes(StandardCharsets.UTF_8);

  private static NewModelVersion version(boolean withReport) {
    NewModelVersion.Builder b =
        NewModelVersion.builder("purchase-7d", "schema-a", 0.5)
            .expectedArtifact(BlobInfo.of(ARTIFACT));
    if (withReport) {
      b.expectedReport(BlobInfo.of(REPORT));
    }
    return b.build();
  }

  private static ByteBuffer piece(byte[] file, int from, int to) {
    return ByteBuffer.wrap(Arrays.copyOfRange(file, from, to));
  }

  private static byte[] readAll(BlobSource source) throws IOException {
    try (InputStream in = source.open()) {
      return in.readAllBytes();
    }
  }

  private static String field(RuntimeException e) {
    return ((InvalidInputException) e)
        .violations().stream().map(FieldError::field).findFirst().orElseThrow();
  }

  @Test
  void piecesInOrderCompleteToTheVersionAndItsBytesReadableMoreThanOnce() throws IOException {
    VersionUpload upload = new VersionUpload(100, 100);
    upload.begin(() -> version(true));
    upload.artifactChunk(0, piece(ARTIFACT, 0, 4));
    upload.artifactChunk(4, piece(ARTIFACT, 4, 10));
    upload.reportChunk(0, piece(REPORT, 0, REPORT.length));

    VersionUpload.Completed done = upload.complete();

    assertThat(done.version()).isEqualTo(version(true));
    assertThat(readAll(done.artifact())).isEqualTo(ARTIFACT);
    assertThat(readAll(done.artifact())).isEqualTo(ARTIFACT);
    assertThat(readAll(done.report().orElseThrow())).isEqualTo(REPORT);
  }

  @Test
  void withoutAnnouncedReportThereIsNoReportAndAReportChunkIsRefused() {
    VersionUpload upload = new VersionUpload(100, 100);
    upload.begin(() -> version(false));
    upload.artifactChunk(0, piece(ARTIFACT, 0, 10));

    RuntimeException report =
        catchThrowableOfType(
            RuntimeException.class, () -> upload.reportChunk(0, piece(REPORT, 0, 3)));

    assertThat(field(report)).isEqualTo("report_chunk");
    assertThat(upload.complete().report()).isEqualTo(Optional.empty());
  }

  @Test
  void misplacedOrMalformedPiecesAreRefusedNamingTheField() {
    VersionUpload fresh = new VersionUpload(100, 100);
    RuntimeException chunkFirst =
        catchThrowableOfType(
            RuntimeException.class, () -> fresh.artifactChunk(0, piece(ARTIFACT, 0, 1)));
    RuntimeException empty = catchThrowableOfType(RuntimeException.class, fresh::complete);

    VersionUpload upload = new VersionUpload(100, 100);
    upload.begin(() -> version(true));
    RuntimeException secondMetadata =
        catchThrowableOfType(
            RuntimeException.class,
            () ->
                upload.begin(
                    () -> {
                      throw new AssertionError("a misplaced version is not even read");
                    }));
    RuntimeException gap =
        catchThrowableOfType(
            RuntimeException.class, () -> upload.artifactChunk(3, piece(ARTIFACT, 3, 5)));
    RuntimeException emptyChunk =
        catchThrowableOfType(
            RuntimeException.class, () -> upload.artifactChunk(0, ByteBuffer.allocate(0)));
    RuntimeException tooLarge =
        catchThrowableOfType(
            RuntimeException.class,
            () -> upload.artifactChunk(0, ByteBuffer.allocate(VersionUpload.MAX_CHUNK_BYTES + 1)));
    RuntimeException pastAnnounced =
        catchThrowableOfType(
            RuntimeException.class, () -> upload.artifactChunk(0, ByteBuffer.allocate(11)));
    upload.artifactChunk(0, piece(ARTIFACT, 0, 5));
    RuntimeException tooFew = catchThrowableOfType(RuntimeException.class, upload::complete);
    upload.reportChunk(0, piece(REPORT, 0, 2));
    RuntimeException artifactAfterReport =
        catchThrowableOfType(
            RuntimeException.class, () -> upload.artifactChunk(5, piece(ARTIFACT, 5, 10)));

    assertThat(field(chunkFirst)).isEqualTo("artifact_chunk");
    assertThat(field(empty)).isEqualTo("model_version");
    assertThat(field(secondMetadata)).isEqualTo("model_version");
    assertThat(field(gap)).isEqualTo("artifact_chunk[0].offset");
    assertThat(field(emptyChunk)).isEqualTo("artifact_chunk[0].data");
    assertThat(field(tooLarge)).isEqualTo("artifact_chunk[0].data");
    assertThat(tooLarge).hasMessageContaining("1048577 bytes is more than the 1048576 (1 MiB)");
    assertThat(field(pastAnnounced)).isEqualTo("artifact_chunk[0]");
    assertThat(tooFew).hasMessageContaining("5 of the 10 announced artifact bytes arrived");
    assertThat(field(artifactAfterReport)).isEqualTo("artifact_chunk");
  }

  @Test
  void filesAnnouncedLargerThanTheRegistryAcceptsAreRefusedUpFront() {
    RuntimeException artifact =
        catchThrowableOfType(
            RuntimeException.class, () -> new VersionUpload(9, 100).begin(() -> version(true)));
    RuntimeException report =
        catchThrowableOfType(
            RuntimeException.class, () -> new VersionUpload(100, 6).begin(() -> version(true)));

    assertThat(artifact)
        .isInstanceOf(ResourceExhaustedException.class)
        .hasMessageContaining("propensity.registry.max-artifact-bytes");
    assertThat(report)
        .isInstanceOf(ResourceExhaustedException.class)
        .hasMessageContaining("propensity.registry.max-report-bytes");
  }
}
