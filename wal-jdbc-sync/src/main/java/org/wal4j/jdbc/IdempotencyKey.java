package org.wal4j.jdbc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a {@link Critical} method whose value is the call's request id: a call
 * retried with the same id (after a timeout, a lost response, a restart of the application)
 * writes nothing new and answers what the first call answered.
 *
 * <pre>{@code
 * @Critical(namespace = "payments")
 * BigDecimal transfer(@LaneKey String from, String to, BigDecimal amount, @IdempotencyKey String requestId)
 *         throws InsufficientFundsException, SQLException;
 * }</pre>
 *
 * <p>The entry's idempotency key is the method's operation, {@code |}, and the id's text
 * ({@code PaymentsDao#transfer(String,String,BigDecimal,String)|req-42}), so two methods never
 * share a key. The log deduplicates the key within its retention, and the target records with
 * the key, in the apply transaction, what the DAO returned, so that a retry after a restart gets
 * it too. A first call the DAO rejected (a declared or named exception: a business verdict) is
 * answered with an exception of the same type and message, made again from the verdict the
 * target stored with the rejection, only from the method's own rejection types and through a
 * public {@code (String)} constructor (otherwise {@link EntryNotAppliedException} naming the type
 * and message); a dead-lettered one with its DAO's exception made again from the dead letter; an
 * expired or discarded one with {@link EntryNotAppliedException}. The id's text is taken as for a {@link LaneKey} (a {@link CharSequence}, an integer
 * type, a {@code char}, a {@link java.util.UUID}, an enum's name); a null, blank or longer than
 * 255 characters id, or one with control characters, is refused
 * before anything is written, naming the method and the parameter. A retry with other arguments
 * under the same id is refused with {@link IllegalArgumentException} once the first call's
 * outcome is known. See docs/jdbc.md, "Request ids".
 *
 * <p>An annotation: immutable, read once when the interface is wrapped.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface IdempotencyKey {
}
