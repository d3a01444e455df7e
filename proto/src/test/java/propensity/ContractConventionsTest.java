package propensity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import propensity.events.v1.EventsProto;
import propensity.features.v1.FeatureServiceProto;
import propensity.features.v1.FeaturesProto;
import propensity.inference.v1.InferenceServiceProto;
import propensity.options.v1.OptionsProto;
import propensity.registry.v1.ModelRegistryProto;
import propensity.training.v1.TrainingServiceProto;

/**
 * The v1 contracts follow the buf STANDARD conventions the project adopted (STYLE.md): enums prefix
 * their values and start with X_UNSPECIFIED, each RPC has its own Request/Response pair, services
 * end in "Service", every RPC declares the scope a caller needs. Checked on the compiled
 * descriptors, so it holds for what ships.
 */
class ContractConventionsTest {

  private static final List<String> AREAS =
      List.of("events", "features", "training", "registry", "inference");

  /** Every propensity.* file reachable from the five areas' outer classes, keyed by path. */
  private static final Map<String, FileDescriptor> FILES = propensityFiles();

  private static Map<String, FileDescriptor> propensityFiles() {
    Map<String, FileDescriptor> files = new LinkedHashMap<>();
    Deque<FileDescriptor> todo =
        new ArrayDeque<>(
            List.of(
                EventsProto.getDescriptor(),
                FeaturesProto.getDescriptor(),
                FeatureServiceProto.getDescriptor(),
                TrainingServiceProto.getDescriptor(),
                ModelRegistryProto.getDescriptor(),
                InferenceServiceProto.getDescriptor()));
    while (!todo.isEmpty()) {
      FileDescriptor f = todo.pop();
      if (f.getPackage().startsWith("propensity.") && files.putIfAbsent(f.getName(), f) == null) {
        todo.addAll(f.getDependencies());
      }
    }
    return files;
  }

  private static Stream<Descriptor> allMessages() {
    return FILES.values().stream()
        .flatMap(f -> f.getMessageTypes().stream())
        .flatMap(ContractConventionsTest::withNested);
  }

  private static Stream<Descriptor> withNested(Descriptor d) {
    return Stream.concat(
        Stream.of(d), d.getNestedTypes().stream().flatMap(ContractConventionsTest::withNested));
  }

  private static Stream<EnumDescriptor> allEnums() {
    return Stream.concat(
        FILES.values().stream().flatMap(f -> f.getEnumTypes().stream()),
        allMessages().flatMap(m -> m.getEnumTypes().stream()));
  }

  private static Stream<ServiceDescriptor> allServices() {
    return FILES.values().stream().flatMap(f -> f.getServices().stream());
  }

  /** "EventType" -> "EVENT_TYPE", "HTTPStatus" -> "HTTP_STATUS". */
  static String upperSnake(String pascal) {
    return pascal
        .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .replaceAll("([A-Z])([A-Z][a-z])", "$1_$2")
        .toUpperCase(java.util.Locale.ROOT);
  }

  private static void assertNoViolations(String rule, List<String> violations) {
    assertTrue(violations.isEmpty(), rule + ":\n  " + String.join("\n  ", violations));
  }

  @Test
  void upperSnakeConvertsPascalCaseNames() {
    assertEquals("EVENT_TYPE", upperSnake("EventType"));
    assertEquals("HTTP_STATUS", upperSnake("HTTPStatus"));
    assertEquals("METRIC", upperSnake("Metric"));
  }

  @Test
  void everyAreaIsCoveredWithOnePackagePerDirectory() {
    Set<String> packages = new TreeSet<>();
    List<String> violations = new ArrayList<>();
    for (FileDescriptor f : FILES.values()) {
      packages.add(f.getPackage());
      String dir = f.getName().substring(0, f.getName().lastIndexOf('/'));
      if (!dir.equals(f.getPackage().replace('.', '/'))) {
        violations.add(f.getName() + ": package " + f.getPackage() + " does not match directory");
      }
      if (!f.getOptions().getJavaMultipleFiles()) {
        violations.add(f.getName() + ": java_multiple_files is not true");
      }
      if (!f.getOptions().getJavaPackage().equals(f.getPackage())) {
        violations.add(f.getName() + ": java_package " + f.getOptions().getJavaPackage());
      }
    }
    assertNoViolations("file options", violations);
    for (String area : AREAS) {
      assertTrue(packages.contains("propensity." + area + ".v1"), "missing area " + area);
    }
  }

  @Test
  void everyEnumStartsWithUnspecifiedAndPrefixesEveryValueWithItsName() {
    List<String> violations = new ArrayList<>();
    long enums =
        allEnums()
            .peek(
                e -> {
                  String prefix = upperSnake(e.getName()) + "_";
                  EnumValueDescriptor first = e.getValues().get(0);
                  if (first.getNumber() != 0 || !first.getName().equals(prefix + "UNSPECIFIED")) {
                    violations.add(
                        e.getFullName()
                            + ": first value is "
                            + first.getName()
                            + " = "
                            + first.getNumber()
                            + ", expected "
                            + prefix
                            + "UNSPECIFIED = 0");
                  }
                  for (EnumValueDescriptor v : e.getValues()) {
                    if (!v.getName().startsWith(prefix)) {
                      violations.add(
                          e.getFullName() + "." + v.getName() + " lacks prefix " + prefix);
                    }
                    if (!v.getName().matches("[A-Z][A-Z0-9_]*")) {
                      violations.add(e.getFullName() + "." + v.getName() + " is not UPPER_SNAKE");
                    }
                  }
                  if (e.getOptions().getAllowAlias()) {
                    violations.add(e.getFullName() + ": allow_alias is set");
                  }
                })
            .count();
    assertTrue(enums > 0, "no enum found");
    assertNoViolations("enum conventions", violations);
  }

  @Test
  void everyRpcHasItsOwnRequestAndResponseNamedAfterIt() {
    List<String> violations = new ArrayList<>();
    Map<String, String> usedBy = new HashMap<>();
    long rpcs =
        allServices()
            .flatMap(s -> s.getMethods().stream())
            .peek(
                m -> {
                  String rpc = m.getService().getName() + "." + m.getName();
                  check(violations, rpc, "input", m.getInputType(), m, m.getName() + "Request");
                  check(violations, rpc, "output", m.getOutputType(), m, m.getName() + "Response");
                  for (Descriptor type : List.of(m.getInputType(), m.getOutputType())) {
                    String previous = usedBy.put(type.getFullName(), rpc);
                    if (previous != null) {
                      violations.add(
                          type.getFullName() + " used by both " + previous + " and " + rpc);
                    }
                  }
                })
            .count();
    assertTrue(rpcs > 0, "no RPC found");
    assertNoViolations("RPC request/response conventions", violations);
  }

  private static void check(
      List<String> violations,
      String rpc,
      String role,
      Descriptor type,
      MethodDescriptor m,
      String expected) {
    String streaming =
        (m.isClientStreaming() ? "client-streaming " : "")
            + (m.isServerStreaming() ? "server-streaming " : "");
    if (!type.getName().equals(expected)) {
      violations.add(
          streaming + rpc + " " + role + " is " + type.getName() + ", expected " + expected);
    }
    if (!type.getFile().getPackage().equals(m.getFile().getPackage())) {
      violations.add(rpc + " " + role + " " + type.getFullName() + " is from another package");
    }
  }

  /** The scopes of the i16 security contract; an RPC declares exactly one of them. */
  private static final Set<String> SCOPES =
      Set.of("ingest", "read-features", "predict", "train", "registry:write", "promote", "admin");

  @Test
  void everyRpcDeclaresOneKnownRequiredScope() {
    List<String> violations = new ArrayList<>();
    long rpcs =
        allServices()
            .flatMap(s -> s.getMethods().stream())
            .peek(
                m -> {
                  String rpc = m.getService().getName() + "." + m.getName();
                  String scope = m.getOptions().getExtension(OptionsProto.requiredScope);
                  if (scope.isEmpty()) {
                    violations.add(rpc + " lacks option (propensity.options.v1.required_scope)");
                  } else if (!SCOPES.contains(scope)) {
                    violations.add(rpc + " requires unknown scope " + scope + "; known: " + SCOPES);
                  }
                })
            .count();
    assertTrue(rpcs > 0, "no RPC found");
    assertNoViolations("required scopes", violations);
  }

  @Test
  void everyServiceNameEndsWithService() {
    List<String> names = allServices().map(ServiceDescriptor::getName).toList();
    for (String area : List.of("features", "training", "registry", "inference")) {
      assertTrue(
          allServices()
              .anyMatch(s -> s.getFile().getPackage().equals("propensity." + area + ".v1")),
          "no service in area " + area + "; services: " + names);
    }
    List<String> violations =
        names.stream()
            .filter(n -> !n.endsWith("Service"))
            .map(n -> n + " lacks suffix Service")
            .toList();
    assertNoViolations("service names", violations);
  }

  @Test
  void namesFollowTheirCase() {
    List<String> violations = new ArrayList<>();
    allMessages()
        .forEach(
            m -> {
              if (!m.getName().matches("[A-Z][A-Za-z0-9]*")) {
                violations.add("message " + m.getFullName() + " is not PascalCase");
              }
              for (FieldDescriptor f : m.getFields()) {
                if (!f.getName().matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")) {
                  violations.add("field " + f.getFullName() + " is not lower_snake_case");
                }
              }
            });
    assertNoViolations("naming", violations);
  }
}
