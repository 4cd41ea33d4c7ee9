package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.Trade;

/** The payload of a recorded call: one JSON array element per parameter, read back with the declared types. */
class ArgumentCodecTest {
    interface Calls {
        void book(String account, Map<String, List<Trade>> trades, int count);
    }

    private final Method book = Calls.class.getMethods()[0];
    private final ArgumentCodec codec = ArgumentCodec.of(new ObjectMapper(), Calls.class, book, "Calls.book(String, Map, int)");

    private static WalEntry entry(String payload) {
        return WalEntry.builder("ns", "Calls#book").payloadJson(payload).id("e-1").build().withSeq(9);
    }

    @Test
    void encodeThenDecode_givesEqualArguments() {
        Object[] args = {"acct", Map.of("x", List.of(new Trade("t", new BigDecimal("0.10"), 2))), 3};

        String payload = codec.encode(args);

        assertEquals("[\"acct\",{\"x\":[{\"tradeId\":\"t\",\"amount\":0.10,\"sequence\":2}]},3]", payload);
        assertArrayEquals(args, codec.decode(entry(payload)));
    }

    @Test
    void payloadsThatDoNotFitTheMethod_areReportedWithTheEntry() {
        assertEquals("Calls.book(String, Map, int): the payload has 1 argument(s) but the method takes 3 (entry seq=9 "
                + "id=e-1)", assertThrows(IllegalArgumentException.class, () -> codec.decode(entry("[\"a\"]"))).getMessage());
        assertEquals("Calls.book(String, Map, int): the payload has more arguments than the method takes (3) (entry seq=9 "
                + "id=e-1)", assertThrows(IllegalArgumentException.class, () -> codec.decode(entry("[\"a\",{},1,2]")))
                .getMessage());
        assertEquals("Calls.book(String, Map, int): the payload is not a JSON array of arguments (entry seq=9 id=e-1)",
                assertThrows(IllegalArgumentException.class, () -> codec.decode(entry("{\"a\":1}"))).getMessage());
        assertEquals("Calls.book(String, Map, int): argument 2 (int) cannot be read back from JSON: Cannot deserialize "
                + "value of type `int` from String \"many\": not a valid `int` value (entry seq=9 id=e-1)",
                assertThrows(IllegalArgumentException.class, () -> codec.decode(entry("[\"a\",{},\"many\"]")))
                        .getMessage());
    }
}
