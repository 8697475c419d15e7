package org.volltrack.btrackmate.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

class SpotCsvReaderTest {

    @TempDir
    Path dir;

    private Path csv(final String... lines) throws IOException {
        final Path path = dir.resolve("spots.csv");
        Files.write(path, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return path;
    }

    @Test
    void readsTrackMateHeaderWithIdsExtraFeaturesAndEmptyFrames() throws IOException {
        final SpotCollection spots = SpotCsvReader.read(csv(
                "\uFEFFID,FRAME,POSITION_X,POSITION_Y,POSITION_Z,RADIUS,QUALITY,TISSUE_FRACTION,NAME",
                "10,0,1.5,2.0,3.0,2.0,50,0.8,cellA",
                "11,2,1.6,2.1,3.1,2.0,40,,cellB"), 0.5);
        assertEquals(Arrays.asList(0, 1, 2), new ArrayList<>(spots.keySet()));
        final Spot a = spots.getSpot(10);
        assertEquals(1.5, a.getDoublePosition(0));
        assertEquals(3.0, a.getDoublePosition(2));
        assertEquals(50.0, a.getFeature(FeatureKeys.QUALITY));
        assertEquals(0.8, a.getFeature(FeatureKeys.TISSUE_FRACTION));
        assertNull(a.getFeature("NAME"), "non-numeric column is not a feature");
        assertEquals(Arrays.asList(FeatureKeys.VISIBILITY, FeatureKeys.POSITION_X, FeatureKeys.POSITION_Y,
                FeatureKeys.POSITION_Z, FeatureKeys.RADIUS, FeatureKeys.QUALITY, FeatureKeys.POSITION_T,
                FeatureKeys.TISSUE_FRACTION, FeatureKeys.FRAME), new ArrayList<>(a.getFeatures().keySet()));
        final Spot b = spots.getSpot(11);
        assertEquals(1.0, b.getFeature(FeatureKeys.POSITION_T), "POSITION_T = FRAME x dt");
        assertNull(b.getFeature(FeatureKeys.TISSUE_FRACTION), "empty cell leaves the feature unset");
    }

    @Test
    void columnsWhoseNamesCannotBeXmlAttributesAreSkipped() throws IOException {
        final SpotCollection spots = SpotCsvReader.read(csv("FRAME,POSITION_X,POSITION_Y,Mean Intensity,2nd",
                "0,1,2,3,4"), 1.0);
        assertNull(spots.getSpot(0).getFeature("Mean Intensity"));
        assertNull(spots.getSpot(0).getFeature("2nd"));
    }

    @Test
    void withoutIdColumnSpotsAreNumberedAndOptionalColumnsDefault() throws IOException {
        final SpotCollection spots = SpotCsvReader.read(csv("FRAME,POSITION_X,POSITION_Y", "0,1,2", "1,3,4"), 1.0);
        assertEquals(2, spots.getNSpots(false));
        assertEquals(0.0, spots.getSpot(0).getDoublePosition(2));
        assertEquals(1.0, spots.getSpot(1).getFeature(FeatureKeys.RADIUS));
    }

    @Test
    void skipsTheExtraHeaderRowsOfTrackMatesTableExport() throws IOException {
        final SpotCollection spots = SpotCsvReader.read(csv("LABEL,ID,FRAME,POSITION_X,POSITION_Y",
                "Label,Spot ID,Frame,X,Y", "Label,Spot ID,Frame,X,Y", ",,,(micron),(micron)",
                "ID5,5,0,1.0,1.0"), 1.0);
        assertEquals(1, spots.getNSpots(false));
        assertEquals(1.0, spots.getSpot(5).getDoublePosition(0));
    }

    @Test
    void badInputIsNamedWithFileLineAndColumn() throws IOException {
        assertError(csv("FRAME,POSITION_X", "0,1"), "missing column(s) POSITION_Y");
        assertError(csv("FRAME,POSITION_X,POSITION_Y", "0,1,2", "1,NaN,2"), "line 3: POSITION_X must be a finite");
        assertError(csv("FRAME,POSITION_X,POSITION_Y", "0,inf,2"), "POSITION_X must be a finite");
        assertError(csv("FRAME,POSITION_X,POSITION_Y", "-1,1,2"), "FRAME must be an integer >= 0, got -1");
        assertError(csv("FRAME,POSITION_X,POSITION_Y", "0.5,1,2"), "FRAME must be an integer >= 0, got 0.5");
        assertError(csv("FRAME,POSITION_X,POSITION_Y", "0,1,2", "x,1,2"), "line 3: column FRAME: 'x' is not a number");
        assertError(csv("ID,FRAME,POSITION_X,POSITION_Y", "1,0,1,2", "1,1,1,2"), "duplicate spot ID 1");
        assertError(csv("FRAME,POSITION_X,POSITION_Y"), "no spots");
        assertError(csv("FRAME,POSITION_X,POSITION_Y", "0,,2"), "column POSITION_X is empty");
        assertThrows(NoSuchFileException.class, () -> SpotCsvReader.read(dir.resolve("nope.csv"), 1.0));
    }

    private static void assertError(final Path path, final String expected) {
        final SpotInputException e = assertThrows(SpotInputException.class, () -> SpotCsvReader.read(path, 1.0));
        assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void legacyCsvUsesCallerCalibrationAsBTrackmateDid() throws IOException {
        final Path path = csv("T,X,Y,Z,Label,Perimeter,Volume,Intensity,ExtentX,ExtentY,ExtentZ",
                "0,10,20,3,7,1.0,8,8,2,2,2", "1,11,21,3,7,1.0,8,8,2,2,2");
        final SpotCollection spots = LegacyCsvReader.read(path, new Calibration(2.0, 0.5, 0.25, 3.0));
        final Spot s = spots.getSpot(0);
        assertEquals(2.5, s.getDoublePosition(0));
        assertEquals(10.0, s.getDoublePosition(1));
        assertEquals(6.0, s.getDoublePosition(2));
        assertEquals(8.0, s.getFeature(FeatureKeys.QUALITY));
        assertEquals(2.0, s.getFeature(FeatureKeys.VOLUME), 1e-12);
        assertEquals(Math.cbrt(3 * 2.0 / (4 * Math.PI)), s.getFeature(FeatureKeys.RADIUS), 1e-12);
        assertEquals(7.0, s.getFeature(FeatureKeys.LABEL));
        assertEquals(3.0, spots.getSpot(1).getFeature(FeatureKeys.POSITION_T));
        final Path shortRow = csv("header", "0,1,2");
        final SpotInputException e = assertThrows(SpotInputException.class,
                () -> LegacyCsvReader.read(shortRow, Calibration.unit()));
        assertTrue(e.getMessage().contains("line 2: expected 11 columns"), e.getMessage());
    }

    @Test
    void aLegacyCsvWithoutHeaderKeepsItsFirstSpotAsPythonDoes() throws IOException {
        final Path path = csv("0,10,20,3,7,1.0,8,8,2,2,2", "1,11,21,3,7,1.0,8,8,2,2,2");
        final SpotCollection spots = LegacyCsvReader.read(path, Calibration.unit());
        assertEquals(2, spots.getNSpots(false));
        assertEquals(10.0, spots.getSpot(0).getDoublePosition(0));
        final Path shortFirst = csv("0,1,2", "1,11,21,3,7,1.0,8,8,2,2,2");
        final SpotInputException e = assertThrows(SpotInputException.class,
                () -> LegacyCsvReader.read(shortFirst, Calibration.unit()));
        assertTrue(e.getMessage().contains("line 1: expected 11 columns"), e.getMessage());
    }

    @Test
    void calibrationTextIsValidated() {
        assertEquals(0.5, Calibration.parse("2,0.5,0.25,1").dy);
        assertEquals(1.0, Calibration.parse("2,0.5,0.25").dt);
        assertThrows(IllegalArgumentException.class, () -> Calibration.parse("1,2"));
        assertThrows(IllegalArgumentException.class, () -> Calibration.parse("1,a,2,3"));
        assertThrows(IllegalArgumentException.class, () -> Calibration.parse("1,0,2,3"));
    }
}
