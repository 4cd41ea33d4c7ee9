package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** A policy's grants are refused when incomplete, match by glob, and are listed by toString. */
class PermissionAccessPolicyGrantsTest {

    @Test
    void grant_refusesAnEmptyPermission_noActions_andAnEmptyPattern() {
        PermissionAccessPolicy.Builder b = AccessPolicy.byPermission();

        assertEquals("permission must not be empty", assertThrows(IllegalArgumentException.class,
                () -> b.grant("", "orders", "*", WalAction.WRITE)).getMessage());
        assertEquals("permission must not be null", assertThrows(NullPointerException.class,
                () -> b.grant(null, "orders", "*", WalAction.WRITE)).getMessage());
        assertEquals("actions of permission 'clerk' must not be empty", assertThrows(IllegalArgumentException.class,
                () -> b.grant("clerk", Set.of(), "orders", "*")).getMessage());
        assertEquals("namespace pattern must not be empty", assertThrows(IllegalArgumentException.class,
                () -> b.grant("clerk", "", "*", WalAction.WRITE)).getMessage());
        assertEquals("operation pattern must not be null", assertThrows(NullPointerException.class,
                () -> b.grant("clerk", "orders", null, WalAction.WRITE)).getMessage());
    }

    @Test
    void grant_globsMatchRunsOfCharacters_andQuoteEverythingElse() {
        PermissionAccessPolicy policy = AccessPolicy.byPermission()
                .grant("clerk", "orders.*", "create", WalAction.WRITE)
                .build();
        UserContext clerk = UserContext.of("u-1", null, "clerk");

        assertTrue(policy.allows(clerk, WalAction.WRITE, "orders.eu", "create"));
        assertFalse(policy.allows(clerk, WalAction.WRITE, "ordersXeu", "create"), "the dot is not a wildcard");
        assertFalse(policy.allows(clerk, WalAction.WRITE, "orders.eu", "created"));
        assertFalse(policy.allows(clerk, WalAction.REPLAY, "orders.eu", "create"));
        assertFalse(policy.allows(UserContext.of("u-2", null, "auditor"), WalAction.WRITE, "orders.eu", "create"));
    }

    @Test
    void toString_listsEveryGrant_andWhetherTheSystemIsDenied() {
        PermissionAccessPolicy.Builder b = AccessPolicy.byPermission()
                .grant("clerk", "orders", "*", WalAction.WRITE);

        assertEquals("PermissionAccessPolicy[clerk->[WRITE] on orders/*]", b.build().toString());
        assertEquals("PermissionAccessPolicy[clerk->[WRITE] on orders/*] (system denied)",
                b.denySystem().build().toString());
    }
}
