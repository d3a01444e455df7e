package io.propensity.inference.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.propensity.client.InferenceServiceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * One StreamPredict exchange for tests: a request sent, the stream closed, every answer collected.
 */
public final class StreamCalls {
  private StreamCalls() {}

  /**
   * Sends {@code request} on a new StreamPredict stream and closes it; returns one answer per event
   * of the request, each awaited at most {@code wait}, and checks the server then completes the
   * stream. The stream's deadline is {@code wait} too.
   */
  public static List<StreamPredictResponse> sendAndCollect(
      Channel channel, StreamPredictRequest request, Duration wait) throws InterruptedException {
    LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<StreamPredictRequest> requests =
        new InferenceServiceClient(channel, wait)
            .streamPredict(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamPredictResponse value) {
                    answers.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answers.add(t);
                  }

                  @Override
                  public void onCompleted() {
                    answers.add("done");
                  }
                });
    requests.onNext(request);
    requests.onCompleted();
    List<StreamPredictResponse> out = new ArrayList<>();
    for (int i = 0; i < request.getEventsCount(); i++) {
      Object o = answers.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(o).isInstanceOf(StreamPredictResponse.class);
      out.add((StreamPredictResponse) o);
    }
    assertThat(answers.poll(wait.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("done");
    return out;
  }
}
