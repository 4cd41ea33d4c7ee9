package org.wal4j.spi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryTooLargeException;
import org.wal4j.WalEntry;

class AppendChecksTest {

    private static WalEntry withPayload(String json) {
        return WalEntry.builder("ns", "op").payloadJson(json).targets("primary").build();
    }

    @Test
    void payloadSize_isItsUtf8Length_atTheLimitAcceptedAboveRefused() {
        String ascii = "\"" + "a".repeat(98) + "\""; // 100 bytes
        String twoByte = "\"" + "é".repeat(49) + "\""; // 51 chars, 100 bytes
        String threeByte = "\"" + "€".repeat(33) + "x\""; // 36 chars, 102 bytes
        String pairs = "\"" + "😀".repeat(24) + "xx\""; // 52 chars, 100 bytes
        for (String fits : List.of(ascii, twoByte, pairs)) {
            assertEquals(100, AppendChecks.utf8Length(fits));
            assertDoesNotThrow(() -> AppendChecks.check(List.of(withPayload(fits)), 100));
            EntryTooLargeException e = assertThrows(EntryTooLargeException.class,
                    () -> AppendChecks.check(List.of(withPayload(fits)), 99));
            assertEquals(100, e.size());
        }
        assertEquals(102, AppendChecks.utf8Length(threeByte));
        assertThrows(EntryTooLargeException.class, () -> AppendChecks.check(List.of(withPayload(threeByte)), 101));
        assertDoesNotThrow(() -> AppendChecks.check(List.of(withPayload(threeByte)), 102));
    }
}
