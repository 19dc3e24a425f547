package slimlab;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A small HTTP service on the JDK's own server (module jdk.httpserver): no third-party jar.
 *
 * <p>{@code --self-check} starts it on a free loopback port, asks it for {@code /} over HTTP,
 * prints the answer and exits: the lab's smoke test.
 */
public final class Main {
    private Main() {}

    private static void hello(HttpExchange exchange) throws IOException {
        byte[] body = ("slimlab java: hello from Java " + Runtime.version().feature())
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public static void main(String[] args) throws IOException {
        boolean selfCheck = args.length > 0 && args[0].equals("--self-check");
        InetSocketAddress address =
                selfCheck ? new InetSocketAddress("127.0.0.1", 0) : new InetSocketAddress(8080);
        HttpServer server = HttpServer.create(address, 0);
        server.createContext("/", Main::hello);
        server.start();
        if (!selfCheck) {
            return; // serve until stopped
        }
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        try (InputStream in = uri.toURL().openStream()) {
            System.out.println(new String(in.readAllBytes(), StandardCharsets.UTF_8) + ", answered over HTTP");
        } finally {
            server.stop(0);
        }
    }
}
