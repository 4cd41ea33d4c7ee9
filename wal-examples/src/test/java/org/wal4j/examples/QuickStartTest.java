package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
    @TempDir
    Path log;

    @Test
    void run_appliesEveryWrite_andPasses() throws Exception {
        Output output = new Output();

        int status = QuickStart.run(log, output.stream());

        String out = output.text();
        assertEquals(0, status, out);
        Output.line(out, "Reopened the log: 1000 entries in 1 segment\\(s\\), 0 still to apply, checkpoint \\{primary=1000\\}");
        Output.line(out, "PASS: the balances are \\{acct-0=334, acct-1=333, acct-2=333\\}, one unit per write");
    }
}
