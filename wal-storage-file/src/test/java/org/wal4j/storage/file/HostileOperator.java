package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * What an operator's hands do to a log directory, on real files: deletes, renames, copies,
 * truncations, and directories, fifos and symbolic links put in a segment's place (RELIABILITY row
 * 16). Each method prints what it did, so a failing test's output shows the scene.
 *
 * <p>Not thread-safe; test use only.
 */
final class HostileOperator {
    private final Path dir;

    HostileOperator(Path dir) {
        this.dir = dir;
    }

    Path segment(int index) {
        return Logs.segments(dir).get(index);
    }

    void delete(Path segment) throws IOException {
        Files.delete(segment);
        say("rm " + segment.getFileName());
    }

    /** Cuts {@code segment} right after its {@code keepLines}-th line. */
    void truncateAtLineEnd(Path segment, int keepLines) throws IOException {
        byte[] content = Files.readAllBytes(segment);
        int end = Logs.lineStarts(content).get(keepLines);
        Files.write(segment, Arrays.copyOf(content, end));
        say("truncate -s " + end + " " + segment.getFileName());
    }

    void replaceByDirectory(Path segment) throws IOException {
        Files.delete(segment);
        Files.createDirectory(segment);
        say("rm " + segment.getFileName() + "; mkdir " + segment.getFileName());
    }

    /** Replaces {@code segment} by a fifo made by the real {@code mkfifo}. */
    void replaceByFifo(Path segment) throws IOException, InterruptedException {
        Files.delete(segment);
        Process p = new ProcessBuilder("mkfifo", segment.toString()).inheritIO().start();
        if (p.waitFor() != 0 || Files.isRegularFile(segment) || !Files.exists(segment)) {
            throw new IllegalStateException("mkfifo " + segment + " failed with exit code " + p.exitValue());
        }
        say("rm " + segment.getFileName() + "; mkfifo " + segment.getFileName());
    }

    /** Moves {@code segment} to {@code elsewhere} and links its name to it. */
    void replaceBySymlinkTo(Path segment, Path elsewhere) throws IOException {
        Files.createDirectories(elsewhere.getParent());
        Files.move(segment, elsewhere);
        Files.createSymbolicLink(segment, elsewhere);
        say("mv " + segment.getFileName() + " " + elsewhere + "; ln -s " + elsewhere + " " + segment.getFileName());
    }

    /** A symbolic link to a file on a volume that is not mounted. */
    void replaceByDanglingSymlink(Path segment, Path unmounted) throws IOException {
        Files.move(segment, segment.resolveSibling(segment.getFileName() + ".saved-by-operator"));
        Files.createSymbolicLink(segment, unmounted);
        say("ln -sf " + unmounted + " " + segment.getFileName() + " (target missing)");
    }

    Path rename(Path segment, String newName) throws IOException {
        Path target = segment.resolveSibling(newName);
        Files.move(segment, target);
        say("mv " + segment.getFileName() + " " + newName);
        return target;
    }

    Path copy(Path segment, String newName) throws IOException {
        Path target = segment.resolveSibling(newName);
        Files.copy(segment, target);
        say("cp " + segment.getFileName() + " " + newName);
        return target;
    }

    void swap(Path a, Path b) throws IOException {
        Path temp = a.resolveSibling("swap");
        Files.move(a, temp);
        Files.move(b, a);
        Files.move(temp, b, StandardCopyOption.ATOMIC_MOVE);
        say("swap " + a.getFileName() + " " + b.getFileName());
    }

    private static void say(String what) {
        System.out.println("hostile operator: " + what);
    }
}
