package org.wal4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import org.wal4j.EntryStatus;
import org.wal4j.Lifecycle;
import org.wal4j.WalEntry;

/**
 * JSON output: one compact object per line ({@link #line}), and the JSON form of an entry.
 *
 * <p>Thread-safe: the mapper is configured once and only used to read and write.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Prints {@code node} as one line. */
    static void line(PrintWriter out, JsonNode node) {
        try {
            out.println(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("writing JSON failed", e);
        }
    }

    /**
     * An entry as JSON: its fields in the log's order, its status per target (if known), its
     * lifecycle, and its payload as JSON (not as a string).
     */
    static ObjectNode entry(WalEntry e, Map<String, EntryStatus> statuses) {
        ObjectNode n = object();
        n.put("seq", e.seq());
        n.put("id", e.id());
        n.put("createdAt", e.createdAt().toString());
        n.put("namespace", e.namespace());
        n.put("key", e.key());
        n.put("operation", e.operation());
        e.targets().forEach(n.putArray("targets")::add);
        if (statuses != null) {
            ObjectNode s = n.putObject("status");
            statuses.forEach((target, status) -> s.put(target, status.name()));
        }
        n.put("idempotencyKey", e.idempotencyKey());
        n.put("correlationId", e.correlationId());
        n.put("tenantId", e.tenantId());
        n.put("userId", e.userId());
        n.set("lifecycle", lifecycle(e.lifecycle()));
        if (!e.alsoKeys().isEmpty()) {
            e.alsoKeys().forEach(n.putArray("alsoKeys")::add);
        }
        if (!e.traceContext().isEmpty()) {
            e.traceContext().forEach(n.putObject("trace")::put);
        }
        try {
            n.set("payload", MAPPER.readTree(e.payload()));
        } catch (JsonProcessingException ex) {
            n.put("payload", e.payload()); // the log only holds valid JSON; keep the text if not
        }
        return n;
    }

    private static ObjectNode lifecycle(Lifecycle l) {
        ObjectNode n = object();
        n.put("maxAttempts", l.maxAttempts());
        n.put("initialDelayMs", l.initialDelay().toMillis());
        n.put("backoff", l.backoff().name());
        n.put("backoffBaseMs", l.backoffBase().toMillis());
        n.put("backoffMultiplier", l.backoffMultiplier());
        n.put("backoffCapMs", l.backoffCap().toMillis());
        n.put("jitter", l.jitter());
        if (l.ttl().isPresent()) {
            n.put("ttlMs", l.ttl().get().toMillis());
        } else {
            n.putNull("ttlMs");
        }
        n.put("priority", l.priority().name());
        return n;
    }
}
