package org.wal4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.wal4j.internal.Ids;
import org.wal4j.internal.Json;
import org.wal4j.internal.PayloadJson;
import org.wal4j.spi.Names;

/**
 * One write in the log: what to apply ({@link #operation()} with a JSON {@link #payload()}), where
 * ({@link #targets()}), in which order ({@link #namespace()} and {@link #key()} form the ordering
 * lane, {@link #alsoKeys()} name further lanes of the namespace), and how ({@link #lifecycle()}).
 *
 * <p><b>Several lanes.</b> An entry that touches several keys (a transfer between two accounts)
 * names its {@link #key()} and, with {@link Builder#alsoKeys}, up to {@value #MAX_ALSO_KEYS} other
 * keys of the same namespace. It belongs to each of those lanes ({@link #lanes()}): every target
 * applies it after every earlier entry of each of them and before every later one, and waiting for
 * any of them ({@code Wal.flushLane}, {@code Wal.awaitApplied}) waits for it.
 *
 * <p><b>Trace context.</b> An entry may carry the propagation fields of the trace that wrote it
 * ({@link #traceContext()}, such as W3C {@code traceparent} and {@code tracestate}), so that its
 * application, however much later, joins that trace. The {@code Wal} fills them in from its
 * {@code Instrumentation} when the entry has none; they are kept in the log with the entry.
 *
 * <p>An entry is created without a sequence number ({@link #seq()} is {@link #UNASSIGNED}); the
 * storage assigns one when it appends the entry. Sequence numbers start at 1, are strictly
 * increasing and gap free in the order of appends.
 *
 * <p>The {@link #idempotencyKey()} defaults to the {@link #id()}, never to anything derived from
 * the content: two identical debits are two debits. Pass your own request id to make a retried
 * request collapse into one entry.
 *
 * <p><b>The payload</b> is exactly one JSON value (RFC 8259, strict: no comments, single quotes,
 * {@code NaN} or raw control characters), however it was produced ({@link Builder#payloadJson},
 * or {@link Builder#payload(ObjectMapper, Object)} with any mapper, indentation and
 * {@code @JsonRawValue} fields included). It nests at most {@value #MAX_PAYLOAD_DEPTH} levels,
 * each number has at most {@value #MAX_PAYLOAD_NUMBER_LENGTH} characters, each string at most
 * {@value #MAX_PAYLOAD_STRING_LENGTH}, each field name at most {@value #MAX_PAYLOAD_NAME_LENGTH}
 * (the limits of a default Jackson {@code ObjectMapper}, so a payload accepted here can be read
 * back with one), and its strings hold whole Unicode characters (no lone surrogate, raw or
 * escaped). It is kept on one line: a payload with a line break is re-written compactly, anything
 * else is kept as given. A payload that breaks a rule is refused with an
 * {@link IllegalArgumentException} when it is set on the builder, before anything is written.
 *
 * <p><b>The creation time</b> lies between {@link #MIN_CREATED_AT} and {@link #MAX_CREATED_AT}:
 * the timestamp of a version 7 UUID starts at 1970, and the log's lines write it as an ISO-8601
 * instant with a four-digit year.
 *
 * <p>Immutable and thread-safe.
 */
public final class WalEntry {
    /** {@link #seq()} of an entry not yet appended. */
    public static final long UNASSIGNED = 0;
    /** Deepest nesting of arrays and objects in a payload. */
    public static final int MAX_PAYLOAD_DEPTH = 1000;
    /** Most characters of one number in a payload, sign, fraction and exponent included. */
    public static final int MAX_PAYLOAD_NUMBER_LENGTH = 1000;
    /** Most characters of one string value in a payload, after its escapes are decoded. */
    public static final int MAX_PAYLOAD_STRING_LENGTH = 20_000_000;
    /** Most characters of one field name in a payload, after its escapes are decoded. */
    public static final int MAX_PAYLOAD_NAME_LENGTH = 50_000;
    /** Earliest {@link #createdAt()}: 1970-01-01T00:00:00Z. */
    public static final Instant MIN_CREATED_AT = Instant.EPOCH;
    /** Latest {@link #createdAt()}: 9999-12-31T23:59:59.999999999Z. */
    public static final Instant MAX_CREATED_AT = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** Most keys {@link Builder#alsoKeys} may name besides the entry's {@link #key()}. */
    public static final int MAX_ALSO_KEYS = 16;
    /** Most fields of a {@link #traceContext()}. */
    public static final int MAX_TRACE_FIELDS = 8;
    /** Most characters of one {@link #traceContext()} field name. */
    public static final int MAX_TRACE_NAME_LENGTH = 64;
    /** Most characters of one {@link #traceContext()} value. */
    public static final int MAX_TRACE_VALUE_LENGTH = 1024;

    private final long seq;
    private final String id;
    private final Instant createdAt;
    private final String namespace;
    private final @Nullable String key;
    private final List<String> alsoKeys;
    private final String operation;
    private final String payload;
    private final List<String> targets;
    private final String idempotencyKey;
    private final @Nullable String correlationId;
    private final @Nullable String tenantId;
    private final @Nullable String userId;
    private final Lifecycle lifecycle;
    private final Map<String, String> traceContext;

    private WalEntry(long seq, String id, Instant createdAt, String namespace, @Nullable String key,
                     List<String> alsoKeys, String operation, String payload, List<String> targets,
                     String idempotencyKey, @Nullable String correlationId, @Nullable String tenantId,
                     @Nullable String userId, Lifecycle lifecycle, Map<String, String> traceContext) {
        this.seq = seq;
        this.id = id;
        this.createdAt = createdAt;
        this.namespace = namespace;
        this.key = key;
        this.alsoKeys = alsoKeys;
        this.operation = operation;
        this.payload = payload;
        this.targets = targets;
        this.idempotencyKey = idempotencyKey;
        this.correlationId = correlationId;
        this.tenantId = tenantId;
        this.userId = userId;
        this.lifecycle = lifecycle;
        this.traceContext = traceContext;
    }

    /**
     * Starts an entry.
     *
     * @param namespace matches {@value Names#NAMESPACE_RULE}
     * @param operation what the targets should do, such as {@code AccountDao#debit} or {@code sql};
     *                  1 to {@value Names#MAX_OPERATION_LENGTH} characters
     */
    public static Builder builder(String namespace, String operation) {
        return new Builder(namespace, operation);
    }

    /** A builder holding every field of this entry except {@link #seq()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This entry with a sequence number, as the storage returns it. */
    public WalEntry withSeq(long seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1 but was " + seq);
        }
        return new WalEntry(seq, id, createdAt, namespace, key, alsoKeys, operation, payload, targets,
                idempotencyKey, correlationId, tenantId, userId, lifecycle, traceContext);
    }

    /**
     * This entry carrying {@code fields} as its {@link #traceContext()}, checked as
     * {@link Builder#traceContext} checks them; this entry itself if they are equal.
     */
    public WalEntry withTraceContext(Map<String, String> fields) {
        Map<String, String> checked = requireTraceContext(fields);
        if (checked.equals(traceContext)) {
            return this;
        }
        return new WalEntry(seq, id, createdAt, namespace, key, alsoKeys, operation, payload, targets,
                idempotencyKey, correlationId, tenantId, userId, lifecycle, checked);
    }

    /** Position in the log, from 1; {@link #UNASSIGNED} before the entry is appended. */
    public long seq() {
        return seq;
    }

    /** Globally unique id (a version 7 UUID unless the caller gave one). */
    public String id() {
        return id;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String namespace() {
        return namespace;
    }

    /** The ordering lane within the namespace, or null: entries without a key form one lane per namespace. */
    public @Nullable String key() {
        return key;
    }

    /**
     * The other keys of the namespace whose lanes this entry also belongs to, in the order given;
     * empty (the default) for an entry of one lane. Never holds {@link #key()} or a key twice.
     */
    public List<String> alsoKeys() {
        return alsoKeys;
    }

    /**
     * Every lane the entry is ordered in: the lane of {@link #key()} first, then those of
     * {@link #alsoKeys()} in their order.
     */
    public List<LaneId> lanes() {
        if (alsoKeys.isEmpty()) {
            return List.of(new LaneId(namespace, key));
        }
        List<LaneId> lanes = new ArrayList<>(1 + alsoKeys.size());
        lanes.add(new LaneId(namespace, key));
        for (String other : alsoKeys) {
            lanes.add(new LaneId(namespace, other));
        }
        return List.copyOf(lanes);
    }

    public String operation() {
        return operation;
    }

    /** The payload as one line of JSON. */
    public String payload() {
        return payload;
    }

    /** The payload read with {@code mapper} into {@code type}. */
    public <T> T payloadAs(ObjectMapper mapper, Class<T> type) {
        try {
            return mapper.readValue(payload, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("payload of entry " + seq + " (" + id + ") cannot be read as "
                    + type.getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The sync targets that must apply this entry; empty means every target of the {@code Wal}. */
    public List<String> targets() {
        return targets;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** Groups the entries of one business transaction or saga; may be null. */
    public @Nullable String correlationId() {
        return correlationId;
    }

    /** May be null. */
    public @Nullable String tenantId() {
        return tenantId;
    }

    /** The user who wrote the entry; may be null. */
    public @Nullable String userId() {
        return userId;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * The propagation fields of the trace that wrote this entry, in the order given (for example
     * {@code traceparent} and {@code tracestate}); empty if none was recorded. Unmodifiable.
     */
    public Map<String, String> traceContext() {
        return traceContext;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WalEntry)) {
            return false;
        }
        WalEntry that = (WalEntry) o;
        return seq == that.seq && id.equals(that.id) && createdAt.equals(that.createdAt)
                && namespace.equals(that.namespace) && Objects.equals(key, that.key) && alsoKeys.equals(that.alsoKeys)
                && operation.equals(that.operation) && payload.equals(that.payload) && targets.equals(that.targets)
                && idempotencyKey.equals(that.idempotencyKey) && Objects.equals(correlationId, that.correlationId)
                && Objects.equals(tenantId, that.tenantId) && Objects.equals(userId, that.userId)
                && lifecycle.equals(that.lifecycle) && traceContext.equals(that.traceContext);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + id.hashCode();
    }

    /** Identifies the entry without its payload, which may be large or sensitive. */
    @Override
    public String toString() {
        return "WalEntry{seq=" + seq + ", id=" + id + ", namespace=" + namespace + ", key=" + key
                + (alsoKeys.isEmpty() ? "" : ", alsoKeys=" + alsoKeys) + ", operation=" + operation + ", payloadLength=" + payload.length() + ", targets=" + targets + '}';
    }

    private static Instant requireCreatedAt(Instant createdAt) {
        Objects.requireNonNull(createdAt, "createdAt must not be null");
        if (createdAt.isBefore(MIN_CREATED_AT) || createdAt.isAfter(MAX_CREATED_AT)) {
            throw new IllegalArgumentException("createdAt must be between " + MIN_CREATED_AT + " and " + MAX_CREATED_AT
                    + " but was " + createdAt);
        }
        return createdAt;
    }

    private static Map<String, String> requireTraceContext(Map<String, String> fields) {
        Objects.requireNonNull(fields, "traceContext must not be null");
        if (fields.size() > MAX_TRACE_FIELDS) {
            throw new IllegalArgumentException("traceContext may hold at most " + MAX_TRACE_FIELDS + " fields but held "
                    + fields.size() + ": " + fields.keySet());
        }
        Map<String, String> copy = new LinkedHashMap<>();
        fields.forEach((name, value) -> copy.put(requireTraceName(name), requireTraceValue(name, value)));
        return copy.isEmpty() ? Map.of() : Collections.unmodifiableMap(copy);
    }

    private static String requireTraceName(@Nullable String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_TRACE_NAME_LENGTH) {
            throw new IllegalArgumentException("traceContext field names must have 1 to " + MAX_TRACE_NAME_LENGTH
                    + " characters but one was " + (name == null ? "null" : "'" + name + "'"));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
                throw new IllegalArgumentException("traceContext field name '" + name + "' may hold only a-z, 0-9, "
                        + "'-', '_' and '.' (propagation fields are lower-case header names)");
            }
        }
        return name;
    }

    private static String requireTraceValue(String name, @Nullable String value) {
        if (value == null || value.length() > MAX_TRACE_VALUE_LENGTH) {
            throw new IllegalArgumentException("traceContext field '" + name + "' must have at most "
                    + MAX_TRACE_VALUE_LENGTH + " characters but was " + (value == null ? "null" : value.length() + " long"));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("traceContext field '" + name + "' may hold only printable ASCII, "
                        + "but holds U+" + String.format("%04X", (int) c) + " at index " + i);
            }
        }
        return value;
    }

    /**
     * Builds a {@link WalEntry}. Each setter validates its argument at once and throws
     * {@link IllegalArgumentException} naming the field and the value. Not thread-safe.
     */
    public static final class Builder {
        private @Nullable String id;
        private @Nullable Instant createdAt;
        private String namespace;
        private @Nullable String key;
        private List<String> alsoKeys = List.of();
        private String operation;
        private String payload = "null";
        private List<String> targets = List.of();
        private @Nullable String idempotencyKey;
        private @Nullable String correlationId;
        private @Nullable String tenantId;
        private @Nullable String userId;
        private @Nullable Lifecycle lifecycle;
        private Map<String, String> traceContext = Map.of();

        private Builder(String namespace, String operation) {
            namespace(namespace);
            operation(operation);
        }

        private Builder(WalEntry e) {
            id = e.id;
            createdAt = e.createdAt;
            namespace = e.namespace;
            key = e.key;
            alsoKeys = e.alsoKeys;
            operation = e.operation;
            payload = e.payload;
            targets = e.targets;
            idempotencyKey = e.idempotencyKey;
            correlationId = e.correlationId;
            tenantId = e.tenantId;
            userId = e.userId;
            lifecycle = e.lifecycle;
            traceContext = e.traceContext;
        }

        public Builder namespace(String namespace) {
            if (namespace != null && namespace.isEmpty()) {
                throw new IllegalArgumentException("namespace must not be empty");
            }
            this.namespace = Names.requireNamespace(namespace);
            return this;
        }

        public Builder operation(String operation) {
            this.operation = Names.requireOperation(operation);
            return this;
        }

        /** Default: a new version 7 UUID at {@link #build()}. */
        public Builder id(@Nullable String id) {
            this.id = Objects.requireNonNull(Names.requireOptionalId("id", id), "id must not be null");
            return this;
        }

        /**
         * Default: the current time at {@link #build()}; the {@code Wal} uses its own clock.
         *
         * @param createdAt from {@link #MIN_CREATED_AT} to {@link #MAX_CREATED_AT}
         */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = requireCreatedAt(createdAt);
            return this;
        }

        /** The ordering lane; null (the default) puts the entry in its namespace's keyless lane. */
        public Builder key(@Nullable String key) {
            this.key = Names.requireOptionalId("key", key);
            return this;
        }

        /**
         * Other keys of the namespace whose lanes the entry also belongs to (a transfer names the
         * account it credits besides the one it debits): the entry is applied after every earlier
         * entry of each of these lanes and of its {@link #key(String) key}'s, and before every later
         * one. Each key follows the key's rule; none may repeat or equal the entry's key, which
         * must be set ({@link #build()} checks both). Default: none. Replaces earlier calls.
         *
         * @throws IllegalArgumentException naming the key, if one is null or breaks the key's rule,
         *                                  repeats, or there are more than {@value #MAX_ALSO_KEYS}
         */
        public Builder alsoKeys(Collection<String> keys) {
            Objects.requireNonNull(keys, "alsoKeys must not be null");
            if (keys.size() > MAX_ALSO_KEYS) {
                throw new IllegalArgumentException("alsoKeys may name at most " + MAX_ALSO_KEYS
                        + " keys but named " + keys.size());
            }
            LinkedHashSet<String> distinct = new LinkedHashSet<>();
            for (String other : keys) {
                if (other == null) {
                    throw new IllegalArgumentException("alsoKeys must not hold null (the keyless lane cannot be "
                            + "named besides a key)");
                }
                if (!distinct.add(Names.requireId("alsoKeys", other))) {
                    throw new IllegalArgumentException("alsoKeys names the key '" + other + "' twice");
                }
            }
            this.alsoKeys = List.copyOf(distinct);
            return this;
        }

        /** See {@link #alsoKeys(Collection)}. */
        public Builder alsoKeys(String... keys) {
            Objects.requireNonNull(keys, "alsoKeys must not be null");
            return alsoKeys(Arrays.asList(keys));
        }

        /**
         * The payload as JSON text: exactly one JSON value within the limits stated on
         * {@link WalEntry}. Line breaks are removed by re-writing it compactly; otherwise it is
         * stored as given. Default: {@code null}.
         *
         * @throws IllegalArgumentException naming the rule {@code json} breaks and where
         */
        public Builder payloadJson(String json) {
            this.payload = PayloadJson.requireValid("payload", json);
            return this;
        }

        /**
         * The payload as {@code value} serialized with {@code mapper}. Whatever the mapper writes
         * (indented, with raw values, escaped) is checked as {@link #payloadJson} checks text, and
         * stored on one line.
         *
         * @throws IllegalArgumentException if the mapper cannot serialize {@code value}, or wrote
         *                                  text that breaks a payload rule
         */
        public Builder payload(ObjectMapper mapper, Object value) {
            Objects.requireNonNull(mapper, "mapper must not be null");
            String json = Json.write(mapper, value);
            this.payload = PayloadJson.requireValid("payload of type "
                    + (value == null ? "null" : value.getClass().getName()) + " as the mapper wrote it", json);
            return this;
        }

        /** Which targets must apply the entry; empty (the default) means every target. */
        public Builder targets(Collection<String> targets) {
            Objects.requireNonNull(targets, "targets must not be null");
            LinkedHashSet<String> distinct = new LinkedHashSet<>();
            for (String target : targets) {
                distinct.add(Names.requireTarget(target));
            }
            this.targets = List.copyOf(new ArrayList<>(distinct));
            return this;
        }

        public Builder targets(String... targets) {
            return targets(List.of(targets));
        }

        /** Default: the entry's {@link WalEntry#id() id}. */
        public Builder idempotencyKey(@Nullable String idempotencyKey) {
            this.idempotencyKey = Names.requireOptionalId("idempotencyKey", idempotencyKey);
            return this;
        }

        public Builder correlationId(@Nullable String correlationId) {
            this.correlationId = Names.requireOptionalId("correlationId", correlationId);
            return this;
        }

        public Builder tenantId(@Nullable String tenantId) {
            this.tenantId = Names.requireOptionalId("tenantId", tenantId);
            return this;
        }

        public Builder userId(@Nullable String userId) {
            this.userId = Names.requireOptionalId("userId", userId);
            return this;
        }

        /** Default: the {@code Wal}'s lifecycle for the namespace, or {@link Lifecycle#ofDefaults()}. */
        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle must not be null");
            return this;
        }

        /**
         * The propagation fields of the trace that writes the entry (see {@link WalEntry#traceContext()}):
         * at most {@value #MAX_TRACE_FIELDS} fields, each name of 1 to {@value #MAX_TRACE_NAME_LENGTH}
         * characters from a-z, 0-9, '-', '_' and '.', each value at most
         * {@value #MAX_TRACE_VALUE_LENGTH} printable ASCII characters. Default: none, which lets the
         * {@code Wal}'s instrumentation fill them in. Replaces earlier calls.
         *
         * @throws IllegalArgumentException naming the field and the rule it breaks
         */
        public Builder traceContext(Map<String, String> fields) {
            this.traceContext = requireTraceContext(fields);
            return this;
        }

        String namespace() {
            return namespace;
        }

        boolean hasCreatedAt() {
            return createdAt != null;
        }

        boolean hasLifecycle() {
            return lifecycle != null;
        }

        @Nullable String tenantId() {
            return tenantId;
        }

        @Nullable String userId() {
            return userId;
        }

        @Nullable String idempotencyKey() {
            return idempotencyKey;
        }

        /**
         * The entry, with {@link WalEntry#seq()} {@link #UNASSIGNED}. Fields left unset get their
         * defaults here, so building twice gives two entries with different ids.
         */
        public WalEntry build() {
            if (!alsoKeys.isEmpty() && key == null) {
                throw new IllegalArgumentException("alsoKeys " + alsoKeys + " need the entry's own key: an entry "
                        + "of the keyless lane of namespace '" + namespace + "' cannot name other lanes");
            }
            if (key != null && alsoKeys.contains(key)) {
                throw new IllegalArgumentException("alsoKeys " + alsoKeys + " name the entry's own key '" + key + "'");
            }
            Instant created = createdAt != null ? createdAt : requireCreatedAt(Instant.now());
            String entryId = id != null ? id : Ids.newId(created.toEpochMilli());
            return new WalEntry(UNASSIGNED, entryId, created, namespace, key, alsoKeys, operation, payload, targets,
                    idempotencyKey != null ? idempotencyKey : entryId, correlationId, tenantId, userId,
                    lifecycle != null ? lifecycle : Lifecycle.ofDefaults(), traceContext);
        }
    }
}
