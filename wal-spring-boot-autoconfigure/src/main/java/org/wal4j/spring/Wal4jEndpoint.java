package org.wal4j.spring;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.wal4j.AuditEvent;
import org.wal4j.AuditSink;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.TargetStats;
import org.wal4j.UserContext;
import org.wal4j.Wal;
import org.wal4j.WalAccessDeniedException;
import org.wal4j.WalAction;
import org.wal4j.WalAdmin;
import org.wal4j.WalEntry;
import org.wal4j.WalStats;

/**
 * The Actuator endpoint {@code wal4j} (docs/spring.md, Actuator): the Wal's state and figures, the
 * dead letters, and their requeue and discard. Over HTTP, under the Actuator's base path:
 * <pre>
 * GET    /actuator/wal4j                                   status: state, figures per target
 * GET    /actuator/wal4j/dead-letters?target=&amp;namespace=&amp;page=&amp;size=
 * POST   /actuator/wal4j/dead-letters/{seq}  {"target": t}  requeue
 * DELETE /actuator/wal4j/dead-letters/{seq}?target=t        discard
 * </pre>
 * Every operation acts as the caller ({@link ActuatorUsers}) through {@code wal.as(user).admin()},
 * so the Wal's {@code AccessPolicy} decides and its {@code AuditSink} records who. Requeue and
 * discard need, before that, the caller to hold {@code wal4j.actuator.admin-role}; a refusal of
 * that check is recorded to the {@link AuditSink} given here (the application's bean, or the
 * Wal's default {@link AuditSink#slf4j()}) as a denied event.
 *
 * <p>Thread-safe: stateless but for its collaborators, which are.
 */
@Endpoint(id = Wal4jEndpoint.ID)
final class Wal4jEndpoint {
    /** The endpoint's id: {@value}. */
    static final String ID = "wal4j";
    /** The one resource under the endpoint: {@value}. */
    static final String DEAD_LETTERS = "dead-letters";
    /** The page size of a dead-letter listing when none is asked: {@value}. */
    static final int DEFAULT_PAGE_SIZE = 50;
    /** The largest page size of a dead-letter listing: {@value}. */
    static final int MAX_PAGE_SIZE = 1000;

    private final Wal wal;
    private final LastStorageFailure failure;
    private final ActuatorUsers users;
    private final String adminRole;
    private final AuditSink audit;
    private final Clock clock;

    Wal4jEndpoint(Wal wal, LastStorageFailure failure, ActuatorUsers users, String adminRole, AuditSink audit,
            Clock clock) {
        this.wal = wal;
        this.failure = failure;
        this.users = users;
        this.adminRole = adminRole;
        this.audit = audit;
        this.clock = clock;
    }

    /** {@code GET /actuator/wal4j}: the Wal's state, its figures, and each target's. */
    @ReadOperation
    public Map<String, Object> status() {
        WalStats stats = wal.stats();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", stats.state());
        String reason = failure.reason();
        if (reason != null) {
            status.put("failure", reason);
        }
        status.put("lastSeq", stats.lastSeq());
        status.put("unfinishedEntries", stats.unfinishedEntries());
        status.put("unfinishedBytes", stats.unfinishedBytes());
        status.put("deadLetters", stats.deadLetters());
        status.put("writes", stats.writes());
        status.put("duplicateWrites", stats.duplicateWrites());
        Map<String, Object> targets = new LinkedHashMap<>();
        stats.targets().values().forEach(t -> targets.put(t.target(), targetFigures(t, true)));
        status.put("targets", targets);
        return status;
    }

    /**
     * {@code GET /actuator/wal4j/dead-letters}: one page of the dead letters the caller may see, in
     * seq order, optionally of one target and one namespace; payloads are left out. Null (404) for
     * any other resource name.
     */
    @ReadOperation
    public @Nullable Map<String, Object> deadLetters(@Selector String resource,
            @org.springframework.lang.Nullable String target, @org.springframework.lang.Nullable String namespace,
            @org.springframework.lang.Nullable Integer page, @org.springframework.lang.Nullable Integer size) {
        if (!DEAD_LETTERS.equals(resource)) {
            return null;
        }
        int pageNumber = page == null ? 0 : page;
        int pageSize = size == null ? DEFAULT_PAGE_SIZE : size;
        if (pageNumber < 0) {
            throw new InvalidEndpointRequestException("page must be 0 or more but was " + pageNumber, "bad page");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidEndpointRequestException("size must be between 1 and " + MAX_PAGE_SIZE + " but was "
                    + pageSize, "bad size");
        }
        DeadLetterFilter filter = filter(target, namespace);
        List<Map<String, Object>> letters = new ArrayList<>();
        boolean hasMore;
        try (Stream<DeadLetter> all = admin(users.current()).deadLetters(filter)) {
            List<DeadLetter> window = all.skip((long) pageNumber * pageSize).limit(pageSize + 1L).toList();
            hasMore = window.size() > pageSize;
            window.stream().limit(pageSize).forEach(d -> letters.add(deadLetter(d)));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("page", pageNumber);
        answer.put("size", pageSize);
        answer.put("hasMore", hasMore);
        answer.put("deadLetters", letters);
        return answer;
    }

    /** {@code POST /actuator/wal4j/dead-letters/{seq}} with {@code {"target": ...}}: requeues it. */
    @WriteOperation
    public AdminResult requeue(@Selector String resource, @Selector long seq, String target) {
        return change(WalAction.REQUEUE, resource, seq, target);
    }

    /** {@code DELETE /actuator/wal4j/dead-letters/{seq}?target=...}: discards it for good. */
    @DeleteOperation
    public AdminResult discard(@Selector String resource, @Selector long seq, String target) {
        return change(WalAction.DISCARD, resource, seq, target);
    }

    private AdminResult change(WalAction action, String resource, long seq, String target) {
        UserContext user = users.current();
        if (!DEAD_LETTERS.equals(resource)) {
            return new AdminResult(action, seq, target, user.userId(), Outcome.NOT_FOUND,
                    "no resource '" + resource + "' under /" + ID + "; the dead letters are /" + ID + "/" + DEAD_LETTERS);
        }
        requireTarget(target);
        if (!user.permissions().contains(adminRole)) {
            String why = "user " + user.userId() + " lacks the role " + adminRole + " (wal4j.actuator.admin-role) to "
                    + action.name().toLowerCase(Locale.ROOT) + " a dead letter";
            audit.record(new AuditEvent(clock.instant(), action, user.userId(), user.tenantId(), false, null, null, seq,
                    target, 0, why));
            return new AdminResult(action, seq, target, user.userId(), Outcome.DENIED, why);
        }
        try {
            WalAdmin admin = admin(user);
            boolean changed = action == WalAction.REQUEUE ? admin.requeue(seq, target) : admin.discard(seq, target);
            return changed
                    ? new AdminResult(action, seq, target, user.userId(), Outcome.DONE, null)
                    : new AdminResult(action, seq, target, user.userId(), Outcome.CONFLICT,
                            "entry " + seq + " changed for target '" + target + "' meanwhile; list the dead letters again");
        } catch (WalAccessDeniedException e) {
            return new AdminResult(action, seq, target, user.userId(), Outcome.DENIED, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new AdminResult(action, seq, target, user.userId(), Outcome.NOT_FOUND, e.getMessage());
        } catch (IllegalStateException e) {
            return new AdminResult(action, seq, target, user.userId(), Outcome.UNAVAILABLE, e.getMessage());
        }
    }

    private WalAdmin admin(UserContext user) {
        return wal.as(user).admin();
    }

    private DeadLetterFilter filter(@Nullable String target, @Nullable String namespace) {
        try {
            if (target != null) {
                requireTarget(target);
            }
            return DeadLetterFilter.builder().target(target).namespace(namespace).build();
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), "bad filter");
        }
    }

    private void requireTarget(String target) {
        if (!wal.targets().contains(target)) {
            throw new InvalidEndpointRequestException("no target '" + target + "'; targets are " + wal.targets(),
                    "unknown target");
        }
    }

    /** A target's figures, as the endpoint ({@code all}) and the health indicator show them. */
    static Map<String, Object> targetFigures(TargetStats t, boolean all) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("breakerState", t.breakerState());
        figures.put("lagSeconds", t.lagSeconds());
        figures.put("unfinishedEntries", t.unfinishedEntries());
        figures.put("deadLetters", t.deadLetters());
        if (all) {
            figures.put("unfinishedBytes", t.unfinishedBytes());
            figures.put("checkpoint", t.checkpoint());
            figures.put("applied", t.applied());
            figures.put("retried", t.retried());
            figures.put("deadLettered", t.deadLettered());
            figures.put("rejected", t.rejected());
            figures.put("expired", t.expired());
            figures.put("applyLatencyP99Micros", t.applyLatencyP99Micros());
        }
        return figures;
    }

    private static Map<String, Object> deadLetter(DeadLetter d) {
        WalEntry e = d.entry();
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("seq", d.seq());
        letter.put("target", d.target());
        letter.put("namespace", e.namespace());
        letter.put("operation", e.operation());
        letter.put("key", e.key());
        letter.put("tenantId", e.tenantId());
        letter.put("createdAt", e.createdAt().toString());
        letter.put("attempts", d.attempts());
        letter.put("deadAt", d.deadAt() == null ? null : String.valueOf(d.deadAt()));
        letter.put("reason", d.reason());
        return letter;
    }

    /** How a requeue or discard ended; the web extension answers each with its HTTP status. */
    enum Outcome {
        /** Requeued or discarded (HTTP 200). */
        DONE,
        /** Not a dead letter for that target, no such entry, or no such resource (HTTP 404). */
        NOT_FOUND,
        /** The caller lacks the admin role, or the access policy refused (HTTP 403); audited. */
        DENIED,
        /** It stopped being a dead letter between the check and the change (HTTP 409). */
        CONFLICT,
        /** The Wal is not running (HTTP 503). */
        UNAVAILABLE
    }

    /**
     * The answer to a requeue or discard.
     *
     * @param action  REQUEUE or DISCARD
     * @param seq     the entry
     * @param target  the target
     * @param user    who asked, as the audit records it
     * @param outcome how it ended
     * @param error   why it did not happen, or null when it did
     */
    record AdminResult(WalAction action, long seq, String target, String user, Outcome outcome,
                       @Nullable String error) {
    }
}
