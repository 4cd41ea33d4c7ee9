package org.wal4j.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot service on the wal4j starter (docs/spring.md, "The example service"): deposits to
 * accounts over REST, written to the log and acknowledged once durable, applied to the database by
 * wal4j; Actuator's health and Prometheus endpoints show the backlog. Embedded H2 and the log in
 * {@code wal4j-spring-example} in the system's temporary directory, so it runs with a JDK and Maven
 * only:
 *
 * <pre>
 * mvn -B -q -pl wal-examples-spring -am test-compile exec:java
 * curl -X POST localhost:8080/accounts/alice/deposits -H 'Content-Type: application/json' \
 *      -d '{"depositId":"d-1","amount":25.00}'
 * curl localhost:8080/accounts/alice
 * curl localhost:8080/actuator/prometheus | grep '^wal_'
 * </pre>
 */
@SpringBootApplication
public class AccountsApplication {
    /** Starts the service; Spring Boot's arguments ({@code --server.port=9090}) apply. */
    public static void main(String[] args) {
        SpringApplication.run(AccountsApplication.class, args);
    }
}
