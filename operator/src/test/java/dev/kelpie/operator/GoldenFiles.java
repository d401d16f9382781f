package dev.kelpie.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a file committed to the repository. Run the tests with
 * {@code -Dgolden.update=true} to rewrite the files instead, then review the diff before committing.
 */
public final class GoldenFiles {

    public static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private GoldenFiles() {
    }

    public static void assertMatches(Path expectedFile, String actual) {
        try {
            if (UPDATE) {
                Files.createDirectories(expectedFile.getParent());
                Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
                return;
            }
            assertThat(expectedFile).as("golden file %s (regenerate with -Dgolden.update=true)", expectedFile)
                    .exists();
            String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
            assertThat(actual).as("%s differs from what the code generates (regenerate with -Dgolden.update=true "
                    + "and review the diff)", expectedFile).isEqualTo(expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code src/test/resources/golden} in the source tree, not the copy under target/. */
    public static Path sourceDir() {
        return Path.of("src", "test", "resources", "golden");
    }
}
