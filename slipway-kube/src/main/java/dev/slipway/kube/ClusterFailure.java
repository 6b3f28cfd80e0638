package dev.slipway.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A request to the API server that failed for good, described as a person needs it: what was
 * asked (verb, resource, namespace), and why — connection refused, unknown host, TLS, timeout,
 * credentials rejected (401), not allowed (403), or the server's own status. Keeps the HTTP code,
 * so callers still tell a 409 from a 404. {@link #unreachable()} separates "no answer" from "the
 * server answered no".
 */
public final class ClusterFailure extends KubernetesClientException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure it is. */
  public enum Cause {
    REFUSED, DNS, TLS, TIMEOUT, DEADLINE, CONNECTION_LOST, BAD_RESPONSE, UNAUTHORIZED, FORBIDDEN, HTTP, OTHER
  }

  private final Cause cause;
  private final KubernetesClientException original;

  private ClusterFailure(String message, KubernetesClientException e, Cause cause) {
    super(message, e.getCode(), e.getStatus());
    this.original = e;
    this.cause = cause;
  }

  /** Describes {@code e}, the failure of {@code verb} on {@code resource} (plural.group) in {@code namespace} (null: all or cluster-wide). */
  public static ClusterFailure of(KubernetesClientException e, String verb, String resource, String namespace) {
    if (e instanceof ClusterFailure f) {
      return f;
    }
    String what = verb + " " + resource + (namespace == null ? "" : " in namespace " + namespace);
    Cause c = classify(e);
    String why = switch (c) {
      case REFUSED -> "connection refused (is the API server running and the address right?)";
      case DNS -> find(e, UnknownHostException.class) != null ? "unknown host " + find(e, UnknownHostException.class).getMessage() + " (DNS)"
          : "unknown host: the server's name does not resolve (DNS)";
      case TLS -> "TLS handshake failed: " + find(e, SSLException.class).getMessage();
      case TIMEOUT -> "no answer in time (" + rootMessage(e) + ")";
      case DEADLINE -> "not sent: the operation's time ran out (--timeout)";
      case CONNECTION_LOST -> "the connection was lost (" + rootMessage(e) + ")";
      case BAD_RESPONSE -> "the server's answer could not be read as Kubernetes JSON (" + rootMessage(e) + "); is the kubeconfig's server a Kubernetes API server?";
      case UNAUTHORIZED -> "credentials rejected (401 Unauthorized): the kubeconfig's user token or certificate is not accepted";
      case FORBIDDEN -> "not allowed to " + what + " (403 Forbidden" + serverMessage(e, ": ") + ")";
      case HTTP -> "HTTP " + e.getCode() + serverMessage(e, ": ");
      case OTHER -> rootMessage(e);
    };
    return new ClusterFailure(c == Cause.FORBIDDEN ? why : what + ": " + why, e, c);
  }

  /** fabric8's exception, with the transport's cause below it. */
  @Override
  public synchronized Throwable getCause() {
    return original;
  }

  /** The server could not be reached or did not answer (as opposed to answering with an error). */
  public boolean unreachable() {
    return switch (cause) {
      case REFUSED, DNS, TLS, TIMEOUT, CONNECTION_LOST -> true;
      default -> false;
    };
  }

  public Cause kind() {
    return cause;
  }

  static Cause classify(KubernetesClientException e) {
    if (e.getCode() == 401) {
      return Cause.UNAUTHORIZED;
    }
    if (e.getCode() == 403) {
      return Cause.FORBIDDEN;
    }
    if (e.getCode() > 0) {
      return Cause.HTTP;
    }
    if (find(e, DeadlinePassed.class) != null) {
      return Cause.DEADLINE;
    }
    if (find(e, UnknownHostException.class) != null || find(e, java.nio.channels.UnresolvedAddressException.class) != null) {
      return Cause.DNS;
    }
    if (find(e, SSLException.class) != null) {
      return Cause.TLS;
    }
    if (find(e, HttpConnectTimeoutException.class) != null || find(e, HttpTimeoutException.class) != null
        || find(e, SocketTimeoutException.class) != null || find(e, TimeoutException.class) != null) {
      return Cause.TIMEOUT;
    }
    if (find(e, ConnectException.class) != null || find(e, NoRouteToHostException.class) != null) {
      return Cause.REFUSED;
    }
    if (find(e, com.fasterxml.jackson.core.JsonProcessingException.class) != null) {
      // An IOException too, but the connection worked: the answer is not what a Kubernetes API server sends.
      return Cause.BAD_RESPONSE;
    }
    if (find(e, EOFException.class) != null || find(e, java.io.IOException.class) != null) {
      return Cause.CONNECTION_LOST;
    }
    return Cause.OTHER;
  }

  /** The caller's deadline passed before a request was sent. */
  static final class DeadlinePassed extends TimeoutException {
    private static final long serialVersionUID = 1L;

    DeadlinePassed() {
      super("deadline passed");
    }
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static String serverMessage(KubernetesClientException e, String prefix) {
    return e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()
        ? prefix + e.getStatus().getMessage() : "";
  }
}
