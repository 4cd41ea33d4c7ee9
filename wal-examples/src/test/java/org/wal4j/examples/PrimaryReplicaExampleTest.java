package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class PrimaryReplicaExampleTest {
    @TempDir
    Path work;

    @Test
    void replicaDownForAWhile_bothEndIdentical_andPass() throws Exception {
        ExampleProcess.Result run = ExampleProcess.run(work, PrimaryReplicaExample.class);

        String out = run.stdout();
        assertEquals(0, run.exitCode(), run.transcript());
        Output.line(out, ".*>>> The replica goes down: .*");
        // the primary keeps up (a call or two may be in flight at the sample) while the replica's backlog grows
        Output.line(out, ".*primary: applied +[\\d,]+, pending +\\d, lag 0\\.0 s, up \\| replica: applied +[\\d,]+, "
                + "pending +[1-9][\\d,]*, lag [\\d.]+ s, DOWN, breaker (OPEN|HALF_OPEN)");
        Output.line(out, ".*>>> The replica is back\\.");
        String primary = Output.line(out, "  primary +(.*) applied calls").group(1);
        String replica = Output.line(out, "  replica +(.*) applied calls").group(1);
        assertEquals(primary, replica, "the same counts in both databases");
        Output.line(out, "PASS: [\\d,]+ calls, each applied once to each database; the primary and the replica are "
                + "identical and match the model\\.");
    }

    @Test
    void check_fails_whenTheReplicaMissesATrade() {
        Output output = new Output();

        int status = PrimaryReplicaExample.run(output.stream(), databases -> TradingDemoTest.execute(
                databases.get(PrimaryReplicaExample.REPLICA), "DELETE FROM demo_trade WHERE trade_id = 'T000005'"));

        String out = output.text();
        assertEquals(1, status, out);
        assertEquals(2, out.lines().filter(l -> l.startsWith("  FAIL trade T000005 is missing from the replica: "))
                .count(), "missing against the model and against the primary:\n" + out);
        Output.line(out, "FAIL: 2 differences\\.");
    }
}
