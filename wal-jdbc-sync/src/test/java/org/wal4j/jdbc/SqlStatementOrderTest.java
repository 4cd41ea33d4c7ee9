package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.wal4j.LaneId;

class SqlStatementOrderTest {
    private static final String UPDATE = "UPDATE account SET balance = balance + ? WHERE id = ?";
    private static final String INSERT = "INSERT INTO trade (account, amount) VALUES (?, ?)";

    /** A statement of a batch: its lane (0..) and which of a few SQL texts. */
    record Statement(int lane, int sql) {
    }

    @Provide
    Arbitrary<List<Statement>> batches() {
        Arbitrary<Statement> statement = Arbitraries.integers().between(0, 6)
                .flatMap(lane -> Arbitraries.integers().between(0, 3).map(sql -> new Statement(lane, sql)));
        return statement.list().ofMaxSize(80);
    }

    private static List<LaneId> lanes(List<Statement> batch) {
        List<LaneId> lanes = new ArrayList<>();
        for (Statement s : batch) {
            lanes.add(LaneId.of("ns", s.lane() == 0 ? null : "k" + s.lane()));
        }
        return lanes;
    }

    private static List<String> sql(List<Statement> batch) {
        List<String> sql = new ArrayList<>();
        for (Statement s : batch) {
            sql.add("UPDATE t" + s.sql() + " SET x = ?");
        }
        return sql;
    }

    @Property(tries = 2000)
    void of_isAPermutationKeepingEachLanesOrder_withNoMoreRunsThanTheBatchsOrder(@ForAll("batches") List<Statement> batch) {
        List<LaneId> lanes = lanes(batch);
        List<String> sql = sql(batch);

        int[] order = SqlStatementOrder.of(lanes, sql);

        assertEquals(batch.size(), order.length);
        boolean[] seen = new boolean[batch.size()];
        Map<LaneId, Integer> last = new HashMap<>();
        for (int position : order) {
            assertTrue(!seen[position], () -> "position " + position + " twice in " + java.util.Arrays.toString(order));
            seen[position] = true;
            Integer before = last.put(lanes.get(position), position);
            assertTrue(before == null || before < position, () -> "lane " + lanes.get(position) + " out of order: "
                    + before + " then " + position + " in " + java.util.Arrays.toString(order));
        }
        int identityRuns = SqlStatementOrder.runs(java.util.stream.IntStream.range(0, batch.size()).toArray(), sql);
        assertTrue(SqlStatementOrder.runs(order, sql) <= identityRuns);
    }

    @Property(tries = 2000)
    void of_startsEachRunAtTheEarliestStatementNotYetExecuted(@ForAll("batches") List<Statement> batch) {
        List<String> sql = sql(batch);

        int[] order = SqlStatementOrder.of(lanes(batch), sql);

        boolean[] done = new boolean[batch.size()];
        int earliest = 0;
        for (int p = 0; p < order.length; p++) {
            while (earliest < done.length && done[earliest]) {
                earliest++;
            }
            if (p == 0 || !sql.get(order[p]).equals(sql.get(order[p - 1]))) {
                assertEquals(earliest, order[p], "run starting at position " + p + " of " + java.util.Arrays.toString(order));
            }
            done[order[p]] = true;
        }
    }

    @Test
    void of_twentyLanesEachAlternatingUpdateAndInsert_goesLevelByLevel() {
        List<LaneId> lanes = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        for (int request = 0; request < 5; request++) {
            for (int lane = 0; lane < 20; lane++) {
                lanes.add(LaneId.of("accounts", "a" + lane));
                sql.add(UPDATE);
                lanes.add(LaneId.of("accounts", "a" + lane));
                sql.add(INSERT);
            }
        }
        int[] identity = java.util.stream.IntStream.range(0, 200).toArray();

        int[] order = SqlStatementOrder.of(lanes, sql);

        assertEquals(200, SqlStatementOrder.runs(identity, sql), "as written: the SQL changes at every statement");
        assertEquals(10, SqlStatementOrder.runs(order, sql), "one run per level: the updates, then the inserts, ...");
        for (int p = 0; p < 20; p++) {
            assertEquals(2 * p, order[p], "the first level: each lane's first update, in batch order");
        }
    }

    @Test
    void of_oneLane_keepsTheBatchsOrder() {
        List<LaneId> lanes = List.of(LaneId.of("a", "1"), LaneId.of("a", "1"), LaneId.of("a", "1"), LaneId.of("a", "1"));
        assertArrayEquals(new int[] {0, 1, 2, 3}, SqlStatementOrder.of(lanes, List.of(UPDATE, INSERT, UPDATE, INSERT)));
    }

    @Test
    void of_aLanesRunOfOneStatement_isNotBrokenByAnotherLanesHead() {
        // lane 1's three updates, then lane 2's insert: strictly level by level would put the insert between them
        List<LaneId> lanes = List.of(LaneId.of("a", "1"), LaneId.of("a", "1"), LaneId.of("a", "1"), LaneId.of("a", "2"));
        List<String> sql = List.of(UPDATE, UPDATE, UPDATE, INSERT);
        assertArrayEquals(new int[] {0, 1, 2, 3}, SqlStatementOrder.of(lanes, sql));
    }

    @Test
    void of_listsOfDifferentSizes_areRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SqlStatementOrder.of(List.of(LaneId.of("a", "1")), List.of()));
        assertEquals("lanes and sql must have the same size but had 1 and 0", e.getMessage());
    }
}
