package org.wal4j.jdbc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a DAO method whose value is the lane key: on a {@link Critical} method,
 * calls with the same key are applied in write order; on another method (a read), it names the
 * lane that read-your-writes flushes before the read
 * ({@link RepositoryOptions.Builder#readYourWrites}).
 *
 * <p>A critical method may mark several parameters (a transfer's two accounts, at most
 * {@code 1 + WalEntry.MAX_ALSO_KEYS}): its calls are ordered in the lane of each value (equal
 * values name one lane), so a read of any of those keys with read-your-writes sees the call. A
 * read marks one.
 *
 * <p>The key is the value's text: a {@link CharSequence}, an integer type ({@code byte} to
 * {@code long}, {@link java.math.BigInteger}), a {@code char}, a {@link java.util.UUID} or an
 * enum (its name). So a {@code long} key 42 and a {@code String} key "42" name the same lane. The
 * value must not be null.
 *
 * <p>An annotation: immutable, read once when the interface is wrapped.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface LaneKey {
}
