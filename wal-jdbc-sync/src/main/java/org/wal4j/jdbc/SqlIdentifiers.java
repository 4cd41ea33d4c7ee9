package org.wal4j.jdbc;

import java.util.regex.Pattern;

/**
 * Validation of the table names wal4j puts into SQL text. They are never quoted, so each must be a
 * plain identifier that every supported database reads the same way; anything else could break
 * the SQL or inject into it.
 */
final class SqlIdentifiers {
    /** An unquoted identifier, optionally qualified by a schema: {@value}. */
    static final String TABLE_RULE = "([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}";
    private static final Pattern TABLE = Pattern.compile(TABLE_RULE);

    private SqlIdentifiers() {
    }

    /**
     * @param field the setting's name, for the message
     * @return {@code name}, unchanged
     * @throws IllegalArgumentException naming the field, the rule and the value
     */
    static String table(String field, String name) {
        if (name == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (!TABLE.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " must be an unquoted SQL identifier matching " + TABLE_RULE
                    + " but was '" + name + "'");
        }
        return name;
    }
}
