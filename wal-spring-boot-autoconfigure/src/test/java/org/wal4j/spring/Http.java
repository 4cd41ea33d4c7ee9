package org.wal4j.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** A plain HTTP client of the test application's Actuator, as curl would be: JSON in, JSON out. */
final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    /** An answer: its status, its JSON body (null when empty), and how long it took. */
    record Answer(int status, @Nullable JsonNode body, long millis) {
        JsonNode json() {
            if (body == null) {
                throw new AssertionError("the answer (HTTP " + status + ") has no body");
            }
            return body;
        }
    }

    Http(int port) {
        this.port = port;
    }

    Answer get(String path, @Nullable String user) throws IOException, InterruptedException {
        return send(request(path, user).GET(), user);
    }

    Answer post(String path, @Nullable String user, String json) throws IOException, InterruptedException {
        return send(request(path, user).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), user);
    }

    Answer delete(String path, @Nullable String user) throws IOException, InterruptedException {
        return send(request(path, user).DELETE(), user);
    }

    private HttpRequest.Builder request(String path, @Nullable String user) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (user != null) {
            String token = Base64.getEncoder().encodeToString((user + ":" + ActuatorSecurity.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            b.header("Authorization", "Basic " + token);
        }
        return b;
    }

    private Answer send(HttpRequest.Builder request, @Nullable String user) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        String body = response.body();
        return new Answer(response.statusCode(), body == null || body.isBlank() ? null : JSON.readTree(body), millis);
    }
}
