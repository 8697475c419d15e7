package org.volltrack.fijidist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The checksum the ImageJ updater gives a file of an update site (the {@code checksum} attribute of
 * {@code db.xml.gz}), so that Fiji sees an installed file as up to date.
 *
 * <p>The digest is SHA-1, written as 40 lower-case hexadecimal digits. What is digested depends on the file:
 * <ul>
 * <li>a file whose path ends with {@code .jar}: the archive's entries in ascending order of their names
 * (plain {@link String#compareTo} order); each entry contributes its name (US-ASCII) followed by its content,
 * so rebuilding a jar with new zip timestamps leaves the checksum unchanged. Two entries are filtered:
 * <ul>
 * <li>{@code *.properties}: lines starting with {@code #} (Maven writes the build date in such a comment) keep
 * only their line break; see {@link #skipCommentLines(byte[])} for the exact rule;</li>
 * <li>{@code META-INF/MANIFEST.MF}: its content contributes nothing. (The updater keeps only "Main-Class:" lines
 * of the manifest, but tests for them on the upper-cased line, which never starts with the mixed-case prefix,
 * so in practice no line is kept.)</li>
 * </ul></li>
 * <li>any other file: its path relative to Fiji.app (US-ASCII, {@code /} separators) followed by its bytes.</li>
 * </ul>
 */
public final class UpdaterChecksum {

    private static final String MANIFEST = "META-INF/MANIFEST.MF";

    private UpdaterChecksum() {
    }

    /**
     * Returns the updater checksum of {@code file}, installed at {@code relativePath} in Fiji.app.
     *
     * @param relativePath the path inside Fiji.app, e.g. {@code jars/btrackmate-fiji-0.1.0.jar}
     * @param file the file to digest
     * @return 40 hexadecimal digits
     * @throws IOException when the file (or the jar) cannot be read
     */
    public static String of(final String relativePath, final Path file) throws IOException {
        final MessageDigest digest = sha1();
        if (relativePath.endsWith(".jar")) {
            digestJar(file, digest);
        } else {
            digest.update(relativePath.getBytes(StandardCharsets.US_ASCII));
            digest.update(Files.readAllBytes(file));
        }
        return hex(digest.digest());
    }

    private static void digestJar(final Path file, final MessageDigest digest) throws IOException {
        try (JarFile jar = new JarFile(file.toFile())) {
            final List<JarEntry> entries = new ArrayList<>(Collections.list(jar.entries()));
            entries.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (final JarEntry entry : entries) {
                digest.update(entry.getName().getBytes(StandardCharsets.US_ASCII));
                if (entry.getName().equals(MANIFEST)) {
                    continue;
                }
                final byte[] content;
                try (InputStream in = jar.getInputStream(entry)) {
                    content = readAll(in);
                }
                digest.update(entry.getName().endsWith(".properties") ? skipCommentLines(content) : content);
            }
        }
    }

    /**
     * Filters a {@code .properties} entry as the updater does before digesting it.
     *
     * <p>The updater reads byte by byte and keeps a "at the start of a line" flag, initially set. Any byte read
     * while the flag is set, other than {@code #}, clears it (a line feed too); a line feed read while it is clear
     * sets it. A {@code #} read while the flag is set starts a comment: the bytes up to the next line feed are
     * dropped (updating the flag as above) and only that line feed is kept. Consequences of the rule, kept here
     * because the checksum must match: a comment line right after an empty line, or after a comment made only of
     * {@code #} characters, is not recognised as a comment and is digested as it is.
     *
     * @param content the entry's bytes
     * @return the bytes that are digested
     */
    static byte[] skipCommentLines(final byte[] content) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(content.length);
        boolean atLineStart = true;
        int i = 0;
        while (i < content.length) {
            final int ch = content[i++];
            if (atLineStart && ch == '#') {
                boolean reachedLineFeed = false;
                while (i < content.length) {
                    final int skipped = content[i++];
                    if (atLineStart) {
                        if (skipped != '#') {
                            atLineStart = false;
                        }
                    } else if (skipped == '\n') {
                        atLineStart = true;
                    }
                    if (skipped == '\n') {
                        reachedLineFeed = true;
                        break;
                    }
                }
                if (reachedLineFeed) {
                    out.write('\n');
                }
                continue;
            }
            if (atLineStart) {
                atLineStart = false;
            } else if (ch == '\n') {
                atLineStart = true;
            }
            out.write(ch);
        }
        return out.toByteArray();
    }

    private static byte[] readAll(final InputStream in) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buffer = new byte[65536];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-1", e);
        }
    }

    static String hex(final byte[] bytes) {
        final StringBuilder text = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes) {
            text.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return text.toString();
    }
}
