package org.volltrack.btrackmate.model;

/**
 * Compares strings so that runs of digits compare by numeric value ("Track_2" before "Track_10"), as
 * TrackMate sorts track names.
 */
public final class AlphanumericComparator {

    private AlphanumericComparator() {
    }

    /**
     * Compares two strings alphanumerically; null sorts first.
     *
     * @param a first string
     * @param b second string
     * @return negative, zero or positive
     */
    public static int compareStrings(final String a, final String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            final char ca = a.charAt(i);
            final char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                final int endA = digitRunEnd(a, i);
                final int endB = digitRunEnd(b, j);
                final int cmp = compareDigitRuns(a.substring(i, endA), b.substring(j, endB));
                if (cmp != 0) {
                    return cmp;
                }
                i = endA;
                j = endB;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int digitRunEnd(final String s, final int start) {
        int end = start;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }

    private static int compareDigitRuns(final String a, final String b) {
        final String ta = a.replaceFirst("^0+(?=.)", "");
        final String tb = b.replaceFirst("^0+(?=.)", "");
        if (ta.length() != tb.length()) {
            return Integer.compare(ta.length(), tb.length());
        }
        final int cmp = ta.compareTo(tb);
        return cmp != 0 ? cmp : Integer.compare(a.length(), b.length());
    }
}
