package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.examples.LedgerCheck.Ledger;

/**
 * The demo's scenes ({@link TradingScenes}) in this JVM on an in-memory H2 database: each prints
 * what it shows, the database matches the model, the scenes' checks find nothing wrong, and the
 * same checks name what no longer holds once a second request is retried and a second sale is
 * rejected.
 */
@Timeout(120)
class TradingScenesTest {
    @TempDir
    Path work;

    @Test
    void scenes_showARetriedRequestARejectedSaleAndATransferBehindABacklog_andTheirChecksCanFail() throws Exception {
        Output output = new Output();
        try (DemoDatabase database = DemoDatabase.inMemoryH2("trading_scenes")) {
            TradingSchema.recreate(database.dataSource());
            SwitchableDataSource switchable = new SwitchableDataSource(database.dataSource(), "the database");
            Dashboard dashboard = new Dashboard(output.stream(), Map.of(TradingDemo.TARGET, switchable));
            try (TradingDesk desk = TradingDesk.open(work.resolve("wal"), Map.of(TradingDemo.TARGET, switchable),
                    dashboard)) {
                dashboard.watch(desk.wal());
                desk.start();
                TradingModel model = new TradingModel();
                Trader trader = new Trader(desk.trading(), new TradingScript(TradingDemo.SEED, TradingDemo.ACCOUNTS),
                        model);
                for (int i = 0; i < 60; i++) {
                    trader.next();
                }
                TradingScenes scenes = new TradingScenes(desk, model, switchable, dashboard);

                scenes.run();
                desk.wal().awaitAllApplied(Duration.ofSeconds(30)).get(40, TimeUnit.SECONDS);

                String out = output.text();
                assertEquals(List.of(), scenes.failures(), out);
                assertEquals(List.of(), LedgerCheck.differences(model, Ledger.of(desk.ledger(TradingDemo.TARGET))));
                assertEquals(60 + TradingScenes.CALLS, model.calls());
                assertEquals(model.calls(), TradingSchema.appliedKeys(database.dataSource(), TradingDemo.TARGET),
                        "one applied key per call: the retry and the rejected sale left none");
                Matcher first = Output.line(out, ".*  answered: cash ([\\d,.]+) \\(entry seq (\\d+)\\)\\. The client "
                        + "missed the answer and sends the same request again:");
                Output.line(out, ".*  answered: cash " + first.group(1).replace(".", "\\.") + ", the first call's "
                        + "answer, from entry seq " + first.group(2) + " \\(a duplicate\\); nothing written to the log\\. "
                        + "The deposit is applied once\\.");
                Output.line(out, ".*  the caller gets TradeRejectedException: acct-\\d\\d cannot sell \\d+ [A-Z]+: it "
                        + "holds \\d+");
                Output.line(out, ".*  acct-01 deposits 30 x 5,000\\.00 \\(30 answered \"not yet applied\": each is "
                        + "durable in the log\\)\\.");
                Output.line(out, ".*  acct-01 transfers [\\d,.]+ to acct-02: more than the [\\d,.]+ the database shows "
                        + "it holding, so it passes only if applied after those deposits\\. 3[1-9] calls wait in the log\\.");
                Matcher read = Output.line(out, ".*  acct-02's read waited (\\d+) ms, for acct-01's backlog and the "
                        + "transfer, and answered cash ([\\d,.]+) \\(the model: ([\\d,.]+)\\)\\.");
                assertEquals(read.group(3), read.group(2));
                assertTrue(Long.parseLong(read.group(1)) >= 900, "the read waited for the database to come back: "
                        + read.group(0));

                BigDecimal again = desk.trading().deposit("acct-03", new BigDecimal("250.00"), "dep-0001");
                assertThrows(TradeRejectedException.class, () -> desk.trading().closePosition("acct-05",
                        new Trade("R000002", "AAPL", 999, new BigDecimal("1.00"))));
                desk.wal().awaitAllApplied(Duration.ofSeconds(30)).get(40, TimeUnit.SECONDS);

                List<String> failures = scenes.failures();
                assertEquals(first.group(1), String.format(Locale.ROOT, "%,.2f", again), "a later retry answers the same");
                assertEquals(2, failures.size(), failures.toString());
                assertEquals("the log counted 2 duplicate writes, the one retried request id expected", failures.get(0));
                assertTrue(failures.get(1).startsWith("the log holds 2 REJECTED entries [TradingDao#closePosition("
                        + "String,Trade) "), failures.get(1));
                assertTrue(failures.get(1).endsWith("and counted 2 rejections; the one sale R000001 expected"),
                        failures.get(1));
            }
        }
    }
}
