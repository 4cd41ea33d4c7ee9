package org.wal4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints aligned text for people: a table with a header row, or labelled fields.
 *
 * <pre>
 * TARGET   CHECKPOINT  LAG ENTRIES
 * primary        4210           12
 * </pre>
 *
 * Columns are separated by two spaces; numbers are right-aligned, text left-aligned. A cell is
 * cut to one line.
 *
 * <p>Not thread-safe: build, then print once.
 */
final class TablePrinter {
    private final List<String> headers;
    private final List<String[]> rows = new ArrayList<>();

    private TablePrinter(List<String> headers) {
        this.headers = headers;
    }

    static TablePrinter of(String... headers) {
        return new TablePrinter(List.of(headers));
    }

    TablePrinter row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + headers.size()
                    + " columns");
        }
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] == null ? "-" : String.valueOf(cells[i]).replace('\n', ' ');
        }
        rows.add(text);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        boolean[] numeric = new boolean[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
                numeric[c] &= isNumber(row[c]);
            }
        }
        line(out, headers.toArray(new String[0]), widths, numeric);
        for (String[] row : rows) {
            line(out, row, widths, numeric);
        }
    }

    private static void line(PrintWriter out, String[] cells, int[] widths, boolean[] numeric) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                b.append("  ");
            }
            boolean lastColumn = c == cells.length - 1;
            String pad = " ".repeat(widths[c] - cells[c].length());
            if (numeric[c]) {
                b.append(pad).append(cells[c]);
            } else {
                b.append(cells[c]);
                if (!lastColumn) {
                    b.append(pad);
                }
            }
        }
        out.println(b);
    }

    private static boolean isNumber(String s) {
        return s.equals("-") || s.matches("-?\\d+(\\.\\d+)?");
    }

    /** Prints {@code label  value} lines with the values aligned. */
    static void fields(PrintWriter out, Map<String, ?> fields) {
        int width = 0;
        for (String label : fields.keySet()) {
            width = Math.max(width, label.length());
        }
        for (Map.Entry<String, ?> f : fields.entrySet()) {
            out.println(f.getKey() + " ".repeat(width - f.getKey().length() + 2) + f.getValue());
        }
    }
}
