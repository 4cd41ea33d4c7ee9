package org.wal4j.cli;

import java.util.regex.Pattern;

/**
 * JDBC URLs as printed: passwords in them masked.
 *
 * <p>Stateless and thread-safe.
 */
final class Urls {
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

    private Urls() {
    }

    /** {@code url} with the values of {@code password=} and of {@code user:password@} replaced by {@code ***}. */
    static String withoutSecrets(String url) {
        String masked = PASSWORD.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceAll("$1***@");
    }
}
