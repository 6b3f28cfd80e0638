import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test endpoint on 127.0.0.1 for bench/unreachable-bench.sh: "hang" accepts connections and
 * never answers; "http" answers every connection with a plain-HTTP 404 (so TLS spoken to it fails).
 * Prints its port, runs until killed.
 */
public class Endpoint {
  public static void main(String[] args) throws Exception {
    boolean answer = args.length > 0 && args[0].equals("http");
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      System.out.println(server.getLocalPort());
      System.out.flush();
      List<Socket> held = new ArrayList<>();
      while (true) {
        Socket s = server.accept();
        if (answer) {
          try (s; OutputStream out = s.getOutputStream()) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        } else {
          held.add(s);
        }
      }
    }
  }
}
