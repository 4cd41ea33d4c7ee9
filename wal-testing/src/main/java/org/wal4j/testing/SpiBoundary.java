package org.wal4j.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The check that keeps a module on the supported side of wal4j: its compiled classes may use
 * {@code org.wal4j}, {@code org.wal4j.event} and {@code org.wal4j.spi}, never
 * {@value #INTERNAL_PACKAGE}, which changes in any release. Every wal4j module outside
 * {@code wal-core} runs it in a test, so the build fails when one reaches into the internals; a
 * storage or target written elsewhere can run it the same way:
 *
 * <pre>{@code
 * @Test
 * void usesOnlyTheSupportedApi() {
 *     SpiBoundary.assertNoInternalReferences(MyStorage.class);
 * }
 * }</pre>
 *
 * <p>It reads the constant pool of every class file in the directory or jar the given class was
 * loaded from, where the compiler records every class, field and method a class refers to,
 * including those named only in signatures, generic types and lambdas. A class named only in a
 * string for reflection is not seen. (The module system would enforce the same boundary at
 * compile time, but only for code on the module path; this check also holds on the class path,
 * where wal4j's modules and most of its users live.)
 *
 * <p>Thread-safe: stateless.
 */
public final class SpiBoundary {
    /** The package no module outside wal-core may use. */
    public static final String INTERNAL_PACKAGE = "org.wal4j.internal";

    private static final String INTERNAL_PREFIX = INTERNAL_PACKAGE.replace('.', '/') + '/';
    private static final int CLASS_FILE_MAGIC = 0xCAFEBABE;

    private SpiBoundary() {
    }

    /**
     * Fails when a class compiled together with {@code anyClassOfTheModule} refers to
     * {@value #INTERNAL_PACKAGE}.
     *
     * @param anyClassOfTheModule a main (not test) class of the module to check
     * @throws AssertionError listing every offending class and what it refers to, or when the
     *                        location holds no class file (a check that sees nothing proves nothing)
     */
    public static void assertNoInternalReferences(Class<?> anyClassOfTheModule) {
        Path location = locationOf(anyClassOfTheModule);
        List<String> references = internalReferences(location);
        if (!references.isEmpty()) {
            throw new AssertionError(location + " uses " + INTERNAL_PACKAGE + ", which is not a supported API "
                    + "(use org.wal4j.spi): " + references.size() + " reference(s):\n  "
                    + String.join("\n  ", references));
        }
    }

    /**
     * The references to {@value #INTERNAL_PACKAGE} made by the class files in a directory of
     * classes or a jar, one {@code "org/acme/MyStorage.class -> org/wal4j/internal/Names"} per
     * (class, internal class) pair, sorted.
     *
     * @throws AssertionError when the location holds no class file
     */
    public static List<String> internalReferences(Path classesDirectoryOrJar) {
        TreeSet<String> found = new TreeSet<>();
        int classes;
        try {
            classes = Files.isDirectory(classesDirectoryOrJar)
                    ? scanDirectory(classesDirectoryOrJar, found) : scanJar(classesDirectoryOrJar, found);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the classes in " + classesDirectoryOrJar, e);
        }
        if (classes == 0) {
            throw new AssertionError("no class file in " + classesDirectoryOrJar + "; nothing to check");
        }
        return new ArrayList<>(found);
    }

    private static Path locationOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalArgumentException(type.getName() + " has no code source (a JDK class?); pass a class of "
                    + "the module to check");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("code source of " + type.getName() + " is not a path: "
                    + source.getLocation(), e);
        }
    }

    private static int scanDirectory(Path root, SortedSet<String> found) throws IOException {
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(root)) {
            classFiles = files.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        for (Path file : classFiles) {
            try (InputStream in = Files.newInputStream(file)) {
                collect(root.relativize(file).toString().replace('\\', '/'), in, found);
            }
        }
        return classFiles.size();
    }

    private static int scanJar(Path jar, SortedSet<String> found) throws IOException {
        int classes = 0;
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class")) {
                    classes++;
                    try (InputStream in = file.getInputStream(entry)) {
                        collect(entry.getName(), in, found);
                    }
                }
            }
        }
        return classes;
    }

    /**
     * Reads a class file's constant pool (JVMS §4.4) and records every UTF-8 constant that names an
     * internal class: class references and the descriptors and signatures of fields, methods,
     * lambdas and generic types all spell class names there, as {@code org/wal4j/internal/Names}.
     */
    private static void collect(String classFile, InputStream in, SortedSet<String> found) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != CLASS_FILE_MAGIC) {
            throw new IOException(classFile + " is not a class file: wrong magic number");
        }
        data.readUnsignedShort(); // minor version
        data.readUnsignedShort(); // major version
        int count = data.readUnsignedShort();
        for (int i = 1; i < count; i++) {
            int tag = data.readUnsignedByte();
            switch (tag) {
                case 1 -> { // Utf8
                    String text = data.readUTF();
                    for (int at = text.indexOf(INTERNAL_PREFIX); at >= 0; at = text.indexOf(INTERNAL_PREFIX, at + 1)) {
                        found.add(classFile + " -> " + className(text, at));
                    }
                }
                case 7, 8, 16, 19, 20 -> data.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> data.skipNBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> data.skipNBytes(4); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                case 5, 6 -> { // Long, Double: 8 bytes and two slots
                    data.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException(classFile + ": unknown constant pool tag " + tag + " at index " + i);
            }
        }
    }

    /** The class name starting at {@code start}: up to the end of a descriptor's or signature's type. */
    private static String className(String text, int start) {
        int end = start;
        while (end < text.length() && ";<>.[()".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        String name = text.substring(start, end);
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }
}
