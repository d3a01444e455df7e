package io.propensity.training.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.runtime.metrics.IntervalFormat;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.SyntheticData;
import io.propensity.training.pipeline.TrainingPipeline;
import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.TrainingSource;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.tuning.SearchMethod;
import io.propensity.training.pipeline.tuning.TuningConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class HtmlReportTest {
  private static final String NASTY = "<b>\"price\" & 'co'</b>";
  // a feature name that tries to run script, with a control character that XML does not allow
  private static final String SCRIPT = "<script>alert('x')</script>\u0007";
  private static TrainingResult result;

  @BeforeAll
  static void train() {
    Dataset base = SyntheticData.dataset(1500, 81, -1.8, 1, false);
    List<String> names = new ArrayList<>(base.featureNames());
    names.set(3, NASTY); // a feature name that must be escaped everywhere
    names.set(4, SCRIPT);
    Dataset.Builder b = Dataset.builder(names, base.kinds(), base.rowCount());
    for (int i = 0; i < base.rowCount(); i++) {
      b.add(base.row(i), base.label(i));
    }
    TrainingRequest req =
        TrainingRequest.builder(
                new TrainingSource.InMemory(b.build(), "synthetic <rows> & more", "label"))
            .target("churn <30d>")
            .seed(81)
            .tuning(
                TuningConfig.defaults(81)
                    .withMethod(SearchMethod.RANDOM)
                    .withBudget(3, Duration.ofSeconds(30))
                    .withFolds(3))
            .boosting(BoostingSettings.defaults(81).withMaxIterations(100))
            .shap(300, 100, 3)
            .build();
    result = new TrainingPipeline().run(req, ProgressListener.none(), CancellationToken.none());
  }

  @Test
  void containsEverySectionWithInlineCharts() {
    String html = result.reportHtml();
    assertThat(html).startsWith("<!DOCTYPE html>");
    for (String id :
        List.of(
            "metrics",
            "comparison",
            "confusion",
            "curves",
            "lift",
            "calibration",
            "shap-summary",
            "dependence",
            "tuning",
            "lineage",
            "parameters")) {
      assertThat(html).contains("<section id=\"" + id + "\">");
    }
    assertThat(html)
        .contains("<svg")
        .contains("ROC")
        .contains("Precision-recall")
        .contains("Lift by decile")
        .contains("Cumulative gain")
        .contains("Reliability")
        .contains("SHAP value (log-odds)")
        .contains("★");
    assertThat(countOf(html, "<svg")).isGreaterThanOrEqualTo(8);
  }

  @Test
  void showsIntervalsBesideEachMetricTheRulesAndTheVerdict() {
    String html = result.reportHtml();
    var c = result.comparison();
    assertThat(html)
        .contains("id=\"verdict\"")
        .contains("95% interval")
        .contains("Model vs baseline vs naive rules")
        .contains("paired differences".substring(1))
        .contains("LightGBM − logistic baseline")
        .contains(
            IntervalFormat.value(c.model(IntervalMetric.ROC_AUC))
                .substring(IntervalFormat.value(c.model(IntervalMetric.ROC_AUC)).indexOf('[')))
        .contains(IntervalFormat.difference(c.modelMinusBaseline(IntervalMetric.PR_AUC)))
        // in-memory rows without feature-engine's features: the rules say why they are absent
        .contains("not applicable: the data has no hours_since_last_purchase column")
        .contains("1000 resamples of");
    assertThat(html).contains(c.verdict().text().replace("&", "&amp;").substring(0, 30));
  }

  @Test
  void isSelfContained() {
    String html = result.reportHtml();
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("src=")
        .doesNotContain("@import")
        .doesNotContain("url(");
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  void escapesAllText() {
    String html = result.reportHtml();
    assertThat(html).doesNotContain(NASTY).doesNotContain("<rows>").doesNotContain("<30d>");
    assertThat(html)
        .contains("&lt;b&gt;&quot;price&quot; &amp; &#39;co&#39;&lt;/b&gt;")
        .contains("churn &lt;30d&gt;");
  }

  @Test
  void untrustedFeatureNamesNeverBecomeMarkup() {
    String html = result.reportHtml();
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("\u0007")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; ");
  }

  @Test
  void isWellFormedMarkup() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setExpandEntityReferences(false);
    Document doc =
        f.newDocumentBuilder()
            .parse(new ByteArrayInputStream(result.reportHtml().getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("html");
    assertThat(doc.getElementsByTagName("svg").getLength()).isGreaterThanOrEqualTo(8);
    assertThat(doc.getElementsByTagName("section").getLength()).isEqualTo(11);
  }

  private static int countOf(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
