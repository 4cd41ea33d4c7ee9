package org.wal4j.spi;

/**
 * Turns an entry's payload into the form a storage keeps at rest, and back: the seam through which
 * payloads are encrypted (see {@code org.wal4j.PayloadEncryption}, which builds the AES-GCM codec).
 * A storage calls {@link #encode} on the appending thread, before the entry's bytes are framed and
 * checksummed, and {@link #decode} when it reads the entry back, before anything above the storage
 * (the sync engine, targets, replay, dead-letter listings) sees it; so the checksum covers the
 * encoded form and everything above the storage sees the payload the application wrote.
 *
 * <p>The storage records the codec's {@link #name()} beside the encoded payload (the file log in
 * the line's {@code "codec"} field, see docs/format.md) so that it knows which entries are encoded:
 * a payload stored without a name is read as it is, one stored with a name is given to the codec of
 * that name, and refused with {@link org.wal4j.WalPayloadException} when the storage has none.
 *
 * <p><b>Contract.</b> {@code decode(c, encode(c, p))} returns {@code p}, char for char, for every
 * payload {@code p} a {@link org.wal4j.WalEntry} accepts. {@link #encode} returns one line of
 * strict JSON (no line break, no byte 0), which the storage writes as the entry's payload.
 * {@link #decode} refuses, with {@link org.wal4j.WalPayloadException} naming the entry, a stored
 * form it cannot turn back into the payload that was encoded with the same {@link PayloadContext}
 * (unknown key, wrong key, altered or moved bytes): it never returns something else.
 *
 * <p>Implementations are thread-safe: appending threads and readers call them concurrently.
 */
public interface PayloadCodec {
    /**
     * The name a storage records beside every payload this codec encoded, e.g. {@code aes-gcm}:
     * letters, digits, {@code .}, {@code _}, {@code -}, 1 to 64 characters. Fixed for the codec's
     * life and across versions: lines written with it are read back by the codec of this name.
     */
    String name();

    /**
     * The stored form of {@code payloadJson}, bound to {@code context}.
     *
     * @param context     the entry the payload belongs to
     * @param payloadJson the entry's payload, as {@link org.wal4j.WalEntry#payload()} returns it
     * @return one line of JSON to store in its place
     */
    String encode(PayloadContext context, String payloadJson);

    /**
     * The payload {@link #encode} was given, from its stored form.
     *
     * @param context    the entry the stored form was read with
     * @param storedJson what {@link #encode} returned, as the storage read it back
     * @return the payload, as the application wrote it
     * @throws org.wal4j.WalPayloadException if the stored form does not decode under {@code context}
     *                                       (unknown key id, a tag that does not verify, a malformed
     *                                       stored form), naming the entry and the key id
     */
    String decode(PayloadContext context, String storedJson);
}
