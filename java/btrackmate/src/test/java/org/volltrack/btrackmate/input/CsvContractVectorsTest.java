package org.volltrack.btrackmate.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.volltrack.btrackmate.testdata.ContractVectors;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * The spot CSV contract's shared vectors ({@code tests/data/csv_contract/}, also read by
 * {@code tests/test_csv_contract.py}): each file is accepted with the expected values or refused with the expected
 * message fragment, by the same rules as volltrack's Python reader.
 */
class CsvContractVectorsTest {

    @TestFactory
    Stream<DynamicTest> everyVector() throws IOException {
        return ContractVectors.each("csv_contract", ".csv", 30, CsvContractVectorsTest::check);
    }

    private static void check(final Path csv, final String stem, final Properties expect) throws IOException {
        if ("refused".equals(expect.getProperty("outcome"))) {
            final SpotInputException error = assertThrows(SpotInputException.class,
                    () -> SpotCsvReader.read(csv, 1.0));
            final String message = error.getMessage();
            assertTrue(message.contains(expect.getProperty("message")) && message.contains(csv.toString())
                    && !message.contains("\n"), stem + ": got \"" + message + "\"");
            return;
        }
        final SpotCollection spots = SpotCsvReader.read(csv, 1.0);
        final List<Spot> all = new ArrayList<>(spots.all(false));
        all.sort(Comparator.comparingInt(Spot::getId));
        assertEquals(Integer.parseInt(expect.getProperty("spots")), all.size(), stem);
        for (final String key : expect.stringPropertyNames()) {
            if (!key.startsWith("spot.")) {
                continue;
            }
            final String[] parts = key.split("\\.", 3);
            final Spot spot = all.get(Integer.parseInt(parts[1]));
            final String column = parts[2];
            final String value = expect.getProperty(key);
            final Double got = "ID".equals(column) ? Double.valueOf(spot.getId())
                    : "FRAME".equals(column) ? Double.valueOf(spot.frame()) : spot.getFeature(column);
            if ("unset".equals(value)) {
                assertTrue(got == null || got.isNaN(), stem + " " + key + ": got " + got);
            } else {
                assertNotNull(got, stem + " " + key);
                assertEquals(Double.parseDouble(value), got, 1e-9, stem + " " + key);
            }
        }
        for (final String column : expect.getProperty("absent", "").split(",")) {
            if (!column.isEmpty()) {
                for (final Spot spot : all) {
                    assertTrue(spot.getFeature(column) == null, stem + ": " + column + " should not be a feature");
                }
            }
        }
    }
}
