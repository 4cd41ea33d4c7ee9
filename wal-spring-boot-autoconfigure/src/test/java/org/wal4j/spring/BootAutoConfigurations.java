package org.wal4j.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * Spring Boot's JDBC and transaction auto-configurations by name, from Spring Boot 3.5's package
 * ({@code org.springframework.boot.autoconfigure.jdbc}) or 4.0's ({@code org.springframework.boot.jdbc.autoconfigure},
 * {@code org.springframework.boot.transaction.autoconfigure}), so that the same tests run on both
 * (profile {@code spring-boot-4} of this module's pom).
 */
final class BootAutoConfigurations {
    private BootAutoConfigurations() {
    }

    /** DataSource (if {@code withDataSource}), JdbcTemplate, DataSourceTransactionManager, Transaction, then wal4j's. */
    static AutoConfigurations jdbc(boolean withDataSource) {
        List<Class<?>> out = new ArrayList<>();
        if (withDataSource) {
            out.add(find("jdbc", "DataSourceAutoConfiguration"));
        }
        out.add(find("jdbc", "JdbcTemplateAutoConfiguration"));
        out.add(find("jdbc", "DataSourceTransactionManagerAutoConfiguration"));
        out.add(find("transaction", "TransactionAutoConfiguration"));
        out.add(Wal4jAutoConfiguration.class);
        return AutoConfigurations.of(out.toArray(new Class<?>[0]));
    }

    /** Spring Boot's DataSource auto-configuration and wal4j's. */
    static AutoConfigurations dataSourceOnly() {
        return AutoConfigurations.of(find("jdbc", "DataSourceAutoConfiguration"), Wal4jAutoConfiguration.class);
    }

    private static Class<?> find(String area, String simpleName) {
        String boot3 = "org.springframework.boot.autoconfigure." + area + "." + simpleName;
        String boot4 = "org.springframework.boot." + area + ".autoconfigure." + simpleName;
        for (String name : List.of(boot3, boot4)) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                // the other Spring Boot generation
            }
        }
        throw new IllegalStateException("neither " + boot3 + " nor " + boot4 + " is on the class path");
    }
}
