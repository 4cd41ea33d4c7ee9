package org.wal4j.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BenchDirectoriesTest {

    @TempDir
    Path temp;

    @AfterEach
    void clearProperty() {
        System.clearProperty(BenchDirectories.BASE_DIR_PROPERTY);
    }

    @Test
    void create_makesAFreshDirectoryUnderTheConfiguredBase() throws Exception {
        System.setProperty(BenchDirectories.BASE_DIR_PROPERTY, temp.toString());
        Path first = BenchDirectories.create("x");
        Path second = BenchDirectories.create("x");

        assertEquals(temp, first.getParent());
        assertTrue(first.getFileName().toString().startsWith("wal4j-bench-x-"), first.toString());
        assertTrue(Files.isDirectory(first) && Files.isDirectory(second));
        assertFalse(first.equals(second));
    }

    @Test
    void create_onTmpfs_isRefusedNamingTheProperty() throws Exception {
        Path shm = Paths.get("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && "tmpfs".equals(BenchDirectories.fileSystemType(shm)),
                "needs /dev/shm on tmpfs");
        System.setProperty(BenchDirectories.BASE_DIR_PROPERTY, shm.toString());

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> BenchDirectories.create("x"));
        assertEquals("Benchmark directory /dev/shm is on a tmpfs file system, where fsync costs nothing; point "
                + "-Dwal4j.bench.dir at a directory on a real disk", refused.getMessage());
    }

    @Test
    void deleteRecursively_removesTheTree() throws Exception {
        Path root = Files.createDirectories(temp.resolve("a/b/c")).getParent().getParent();
        Files.writeString(root.resolve("b/c/file"), "x");
        Files.writeString(root.resolve("top"), "y");

        BenchDirectories.deleteRecursively(root);
        assertFalse(Files.exists(root));
        BenchDirectories.deleteRecursively(root); // absent: nothing to do
    }
}
