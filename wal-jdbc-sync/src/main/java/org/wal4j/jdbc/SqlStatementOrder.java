package org.wal4j.jdbc;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.wal4j.LaneId;

/**
 * The order in which one transaction executes the statements of a batch, chosen so that
 * statements with the same SQL text follow each other and go as one JDBC batch
 * ({@link SqlStatementRuns}) as often as the lanes allow.
 *
 * <p>Only the order within each lane is part of the contract: entries of different lanes may be
 * applied in any relative order (the engine applies other partitions' lanes at the same time).
 * So, seen as one chain per lane, the statements are scheduled one at a time from the heads of
 * the chains: the earliest head with the SQL of the statement just scheduled, if there is one,
 * otherwise the earliest head of all. For a batch of lanes that each alternate between an
 * {@code UPDATE} and an {@code INSERT} this is level by level (the first statement of every lane,
 * then the second...), one JDBC batch per level instead of one round trip per statement; a batch
 * of one lane keeps its order. If that order had more runs of equal SQL than the batch's own
 * order (it can: a lane's long run interrupted by another lane's head), the batch's own order is
 * used.
 *
 * <p>Invariants of the result: a permutation of the positions; each lane's positions in
 * increasing order; no more runs of equal SQL than the given order; each run starts at the
 * earliest position not yet executed (a chain's head is its earliest position, so the earliest
 * head is the earliest of all), which is why a failing run of one statement is the first entry
 * of the batch that fails ({@link BatchTransaction}).
 *
 * <p>Stateless; thread-safe.
 */
final class SqlStatementOrder {
    private SqlStatementOrder() {
    }

    /**
     * @param lanes the lane of each statement, in the batch's order
     * @param sql   the SQL text of each statement, same positions
     * @return the positions of {@code lanes} in the order to execute them
     */
    static int[] of(List<LaneId> lanes, List<String> sql) {
        int n = lanes.size();
        if (sql.size() != n) {
            throw new IllegalArgumentException("lanes and sql must have the same size but had " + n + " and " + sql.size());
        }
        Map<LaneId, ArrayDeque<Integer>> chains = new HashMap<>();
        for (int i = 0; i < n; i++) {
            chains.computeIfAbsent(lanes.get(i), lane -> new ArrayDeque<>()).add(i);
        }
        NavigableSet<Integer> heads = new TreeSet<>();
        Map<String, NavigableSet<Integer>> headsBySql = new HashMap<>();
        for (ArrayDeque<Integer> chain : chains.values()) {
            addHead(chain.peek(), sql, heads, headsBySql);
        }
        int[] order = new int[n];
        String current = null;
        for (int p = 0; p < n; p++) {
            NavigableSet<Integer> same = current == null ? null : headsBySql.get(current);
            int next = same != null && !same.isEmpty() ? same.first() : heads.first();
            heads.remove(next);
            headsBySql.get(sql.get(next)).remove(next);
            ArrayDeque<Integer> chain = chains.get(lanes.get(next));
            chain.poll();
            if (!chain.isEmpty()) {
                addHead(chain.peek(), sql, heads, headsBySql);
            }
            order[p] = next;
            current = sql.get(next);
        }
        return runs(order, sql) <= runs(identity(n), sql) ? order : identity(n);
    }

    /** How many runs of equal SQL {@code order} makes. */
    static int runs(int[] order, List<String> sql) {
        int runs = 0;
        for (int p = 0; p < order.length; p++) {
            if (p == 0 || !sql.get(order[p]).equals(sql.get(order[p - 1]))) {
                runs++;
            }
        }
        return runs;
    }

    private static void addHead(int position, List<String> sql, NavigableSet<Integer> heads,
                                Map<String, NavigableSet<Integer>> headsBySql) {
        heads.add(position);
        headsBySql.computeIfAbsent(sql.get(position), text -> new TreeSet<>()).add(position);
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
