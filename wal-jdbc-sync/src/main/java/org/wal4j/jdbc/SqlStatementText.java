package org.wal4j.jdbc;

/**
 * Checks that an SQL text is one statement. Several statements in one entry cannot be applied
 * reliably: drivers batch a statement per entry (pgjdbc throws a {@code ClassCastException} from
 * {@code executeBatch} for a multi-statement query), and a failure could not name the statement.
 *
 * <p>A semicolon separates statements only outside string literals ({@code '...'} with
 * {@code ''} escapes, {@code E'...'} with backslash escapes), quoted identifiers ({@code "..."},
 * {@code `...`}), comments ({@code -- ...}, nested {@code /* ... *}{@code /}) and PostgreSQL
 * dollar quotes ({@code $tag$ ... $tag$}). MySQL and MariaDB also read a backslash in a plain
 * literal as an escape, PostgreSQL does not; the text is scanned both ways and refused if either
 * reading finds a second statement. Trailing semicolons followed only by blanks or comments are
 * allowed.
 *
 * <p>Stateless; thread-safe.
 */
final class SqlStatementText {
    private SqlStatementText() {
    }

    /**
     * @return {@code sql}
     * @throws IllegalArgumentException naming the statement and the offset where a second one starts
     */
    static String requireSingleStatement(String sql) {
        int second = secondStatementAt(sql, false);
        if (second < 0) {
            second = secondStatementAt(sql, true);
        }
        if (second >= 0) {
            throw new IllegalArgumentException("sql must be a single statement, but a second statement starts at "
                    + "offset " + second + ": \"" + sql + "\"");
        }
        return sql;
    }

    /** Offset of the first non-blank, non-comment character after a separating semicolon, or -1. */
    private static int secondStatementAt(String sql, boolean backslashEscapes) {
        int n = sql.length();
        boolean separated = false;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = lineEnd(sql, i);
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockCommentEnd(sql, i);
                continue;
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == ';') {
                separated = true;
                i++;
                continue;
            }
            if (separated) {
                return i;
            }
            if (c == '\'') {
                boolean escapes = backslashEscapes || (i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i == 1 || (!Character.isLetterOrDigit(sql.charAt(i - 2)) && sql.charAt(i - 2) != '_')));
                i = quotedEnd(sql, i, '\'', escapes);
            } else if (c == '"' || c == '`') {
                i = quotedEnd(sql, i, c, false);
            } else if (c == '$' && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
                i = dollarQuotedEnd(sql, i);
            } else {
                i++;
            }
        }
        return -1;
    }

    private static int lineEnd(String sql, int from) {
        int end = sql.indexOf('\n', from);
        return end < 0 ? sql.length() : end + 1;
    }

    /** PostgreSQL nests block comments; an unterminated one runs to the end. */
    private static int blockCommentEnd(String sql, int from) {
        int depth = 0;
        int i = from;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** After the closing quote; a doubled quote is an escaped one. An unterminated literal runs to the end. */
    private static int quotedEnd(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** {@code $tag$ ... $tag$}; a {@code $} that opens no tag (a parameter {@code $1}) is one character. */
    private static int dollarQuotedEnd(String sql, int open) {
        int i = open + 1;
        while (i < sql.length() && isIdentifierPart(sql.charAt(i)) && !Character.isDigit(sql.charAt(open + 1))) {
            i++;
        }
        if (i >= sql.length() || sql.charAt(i) != '$') {
            return open + 1;
        }
        String tag = sql.substring(open, i + 1);
        int close = sql.indexOf(tag, i + 1);
        return close < 0 ? sql.length() : close + tag.length();
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
