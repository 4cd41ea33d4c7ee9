package org.wal4j.spring.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A client of the web tests' application on its random port: REST calls and Prometheus scrapes. */
final class Http {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    Http(int port) {
        this.port = port;
    }

    /** POSTs {@code body} to {@code path} and asserts the status. */
    String post(String path, String body, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(expectedStatus, response.statusCode(), () -> "POST " + path + ": " + response.body());
        return response.body();
    }

    /** GETs {@code path}, asserting 200. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
        assertEquals(200, response.statusCode(), () -> "GET " + path + ": " + response.body());
        return response.body();
    }

    /** One scrape of /actuator/prometheus. */
    Scrape scrape() throws IOException, InterruptedException {
        return new Scrape(get("/actuator/prometheus"));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** The samples of one scrape, in Prometheus' text format. */
    static final class Scrape {
        private final String text;
        private final List<Sample> samples = new ArrayList<>();

        Scrape(String text) {
            this.text = text;
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line.strip());
                if (line.startsWith("#") || !m.matches()) {
                    continue;
                }
                Map<String, String> labels = new java.util.TreeMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
        }

        /** The value of the one series {@code name} whose labels include {@code labels}. */
        double value(String name, Map<String, String> labels) {
            List<Sample> found = samples.stream()
                    .filter(s -> s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet()))
                    .toList();
            if (found.size() != 1) {
                throw new AssertionError(found.size() + " series " + name + labels + " in the scrape:\n" + text);
            }
            return found.get(0).value;
        }

        /** The label sets of every series {@code name}. */
        List<Map<String, String>> series(String name) {
            return samples.stream().filter(s -> s.name.equals(name)).map(s -> s.labels).toList();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private record Sample(String name, Map<String, String> labels, double value) {
    }
}
