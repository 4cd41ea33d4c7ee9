package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class SagaExampleTest {
    @TempDir
    Path work;

    @Test
    void run_retriesRequeuesExpiresAndReplays_andEndsInPass() throws Exception {
        ExampleProcess.Result run = ExampleProcess.run(work, SagaExample.class);

        String out = run.stdout();
        assertEquals(0, run.exitCode(), run.transcript());
        Output.line(out, ".*payments +order-2 seq 4 +the provider timed out: attempt 1 of 4 failed, next in 300 ms");
        Output.line(out, ".*payments +order-2 seq 4 +applied to payments \\(attempt 3, .*");
        Output.line(out, ".*payments +order-3 seq 6 +DEAD-LETTERED by payments: card declined: expired");
        Output.line(out, ".*ops-alice requeues seq 6\\.");
        Output.line(out, ".*notifications order-1 seq 8 +EXPIRED: not delivered to sms within its time to live \\(2000 ms\\)");
        Output.line(out, "  seq 10 notifications order-2 text +\\{sms=EXPIRED\\}");
        assertFalse(out.contains("FAIL"), out);
        assertEquals(11, out.lines().filter(l -> l.startsWith("  ok   ")).count(), out);
        Output.line(out, "PASS: 3 sagas complete: .*");
        assertTrue(run.stderr().isBlank(), "nothing on stderr:\n" + run.stderr());
    }

    @Test
    void check_fails_whenALedgerRowIsMissing() {
        Output output = new Output();

        int status = SagaExample.run(output.stream(), databases -> TradingDemoTest.execute(
                databases.get(SagaExample.LEDGER), "DELETE FROM saga_shipment WHERE order_id = 'order-2'"));

        String out = output.text();
        assertEquals(1, status, out);
        Output.line(out, "  FAIL the ledger's saga_shipment holds 2 rows \\(expected 3\\)");
        Output.line(out, "FAIL: 1 of 11 checks failed\\.");
    }
}
