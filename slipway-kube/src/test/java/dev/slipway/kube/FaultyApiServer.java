package dev.slipway.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * fabric8's mock API server in CRUD mode with faults injected in front of it, on 127.0.0.1. Every
 * request is recorded as the server saw it ({@code "METHOD path"}), so tests count what reached
 * the server rather than what the code under test believes it sent. A fault answers matching
 * requests with an error status a number of times, either instead of the server (the request is
 * refused) or after the server carried it out (the response is lost).
 */
public final class FaultyApiServer implements AutoCloseable {
  /** The mock server logs every request at INFO; kept referenced so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private record Fault(String method, Pattern path, int status, boolean applied, AtomicInteger remaining, Integer retryAfter) {}

  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Long> times = new CopyOnWriteArrayList<>();
  private volatile Pattern slowPath;
  private volatile String slowMethod;
  private volatile long slowMillis;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public FaultyApiServer() {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
    Dispatcher dispatcher = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if (CONTROLLER.equals(request.getHeader("User-Agent"))) {
          // The fake controller's own reads and status writes are not the code under test's.
          return crud.dispatch(request);
        }
        synchronized (requests) {
          requests.add(request.getMethod() + " " + path);
          times.add(System.nanoTime());
          agents.add(String.valueOf(request.getHeader("User-Agent")));
        }
        if (slowPath != null && slowMethod.equalsIgnoreCase(request.getMethod()) && slowPath.matcher(path).find()) {
          int now = inFlight.incrementAndGet();
          maxInFlight.accumulateAndGet(now, Math::max);
          try {
            Thread.sleep(slowMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.decrementAndGet();
          }
        }
        for (Fault f : faults) {
          if (f.method().equalsIgnoreCase(request.getMethod()) && f.path().matcher(path).find() && f.remaining().getAndDecrement() > 0) {
            if (f.applied()) {
              crud.dispatch(request);
            }
            MockResponse r = status(f.status(), f.applied() ? "the response was lost" : "injected fault", f.retryAfter());
            return f.retryAfter() == null ? r : r.setHeader("Retry-After", f.retryAfter());
          }
        }
        return crud.dispatch(request);
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    io.fabric8.kubernetes.client.Config config = server.createClient().getConfiguration();
    ClusterClient.configure(config, java.time.Duration.ofSeconds(10));
    client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
  }

  static MockResponse status(int code, String message, Integer retryAfter) {
    String reason = switch (code) {
      case 403 -> "Forbidden";
      case 401 -> "Unauthorized";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 429 -> "TooManyRequests";
      default -> "InternalError";
    };
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"" + message + "\",\"reason\":\"" + reason
            + "\",\"code\":" + code + (retryAfter == null ? "" : ",\"details\":{\"retryAfterSeconds\":" + retryAfter + "}") + "}");
  }

  public KubernetesClient client() {
    return client;
  }

  /** The user agent of {@link #controllerClient()}: its requests are served but not recorded. */
  static final String CONTROLLER = "slipway-test-fake-controller";

  /** A client for a fake controller, whose requests do not count among {@link #requests()}. */
  public KubernetesClient controllerClient() {
    io.fabric8.kubernetes.client.Config config = new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).build();
    config.setUserAgent(CONTROLLER);
    KubernetesClient c = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
    controllerClients.add(c);
    return c;
  }

  private final List<KubernetesClient> controllerClients = new CopyOnWriteArrayList<>();

  public String url() {
    return client.getMasterUrl().toString();
  }

  /** The next {@code times} requests matching method and path (a regex found in the path) are refused with {@code status}. */
  public FaultyApiServer refuse(String method, String pathRegex, int status, int times) {
    faults.add(new Fault(method, Pattern.compile(pathRegex), status, false, new AtomicInteger(times), null));
    return this;
  }

  /** The next {@code times} matching requests are answered 429 Too Many Requests with {@code Retry-After: seconds}. */
  public FaultyApiServer throttle(String method, String pathRegex, int seconds, int times) {
    faults.add(new Fault(method, Pattern.compile(pathRegex), 429, false, new AtomicInteger(times), seconds));
    return this;
  }

  /** The next {@code times} matching requests are carried out, but the client gets {@code status} instead of the result. */
  public FaultyApiServer loseResponse(String method, String pathRegex, int status, int times) {
    faults.add(new Fault(method, Pattern.compile(pathRegex), status, true, new AtomicInteger(times), null));
    return this;
  }

  /** Matching requests take {@code millis} before the server handles them; {@link #maxInFlight()} counts how many overlapped. */
  public FaultyApiServer slow(String method, String pathRegex, long millis) {
    slowMethod = method;
    slowMillis = millis;
    slowPath = Pattern.compile(pathRegex);
    return this;
  }

  /** The most slowed-down requests the server was handling at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  public void clearFaults() {
    slowPath = null;
    faults.clear();
  }

  /** Requests the server received, as {@code "METHOD path"}, in order. */
  public List<String> requests() {
    return new ArrayList<>(requests);
  }

  /** How many requests with this method had a path in which {@code pathRegex} is found. */
  public long count(String method, String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    return requests.stream().filter(r -> r.startsWith(method.toUpperCase(java.util.Locale.ROOT) + " ") && p.matcher(r).find()).count();
  }

  public void resetRequests() {
    synchronized (requests) {
      requests.clear();
      times.clear();
      agents.clear();
    }
  }

  private final List<String> agents = new CopyOnWriteArrayList<>();

  /** The requests sent by clients with this User-Agent ({@link #clientAs}), as {@code "METHOD path"}, in order. */
  public List<String> requestsBy(String userAgent) {
    List<String> out = new ArrayList<>();
    List<String> r;
    List<String> a;
    synchronized (requests) {
      r = new ArrayList<>(requests);
      a = new ArrayList<>(agents);
    }
    for (int i = 0; i < Math.min(r.size(), a.size()); i++) {
      if (a.get(i).equals(userAgent)) {
        out.add(r.get(i));
      }
    }
    return out;
  }

  /** A client whose requests are recorded under {@code userAgent}: one per process in tests of several replicas. */
  public KubernetesClient clientAs(String userAgent) {
    io.fabric8.kubernetes.client.Config config = new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).build();
    config.setUserAgent(userAgent);
    KubernetesClient c = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
    controllerClients.add(c);
    return c;
  }

  /** When each recorded request arrived ({@link System#nanoTime()}), in the order of {@link #requests()}. */
  public List<Long> arrivals() {
    return new ArrayList<>(times);
  }

  @Override
  public void close() {
    controllerClients.forEach(KubernetesClient::close);
    client.close();
    server.destroy();
  }
}
