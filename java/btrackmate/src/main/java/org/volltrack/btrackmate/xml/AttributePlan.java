package org.volltrack.btrackmate.xml;

import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLStreamException;

import org.volltrack.btrackmate.model.FeatureDeclaration;
import org.volltrack.btrackmate.model.FeatureKeys;

/**
 * What the writer puts out for every spot or edge whose features have one key layout: the feature keys in
 * written order (names checked once), the position of each in the layout and whether it is declared int.
 */
final class AttributePlan {

    final String[] key;
    final int[] index;
    final boolean[] isInt;

    private AttributePlan(final String[] key, final int[] index, final boolean[] isInt) {
        this.key = key;
        this.index = index;
        this.isInt = isInt;
    }

    /**
     * @param keys     keys in written order
     * @param index    position of each key in the layout
     * @param declared declarations (every key must be declared)
     * @return the plan
     * @throws XMLStreamException if a key cannot be an XML attribute name
     */
    static AttributePlan of(final List<String> keys, final int[] index, final Map<String, FeatureDeclaration> declared)
            throws XMLStreamException {
        final boolean[] isInt = new boolean[keys.size()];
        for (int k = 0; k < isInt.length; k++) {
            final String key = keys.get(k);
            if (!FeatureKeys.isValidKey(key)) {
                throw new XMLStreamException("\"" + key + "\" cannot be an XML attribute name (feature keys must "
                        + "be letters, digits and _)");
            }
            isInt[k] = declared.get(key).isInt();
        }
        return new AttributePlan(keys.toArray(new String[0]), index, isInt);
    }
}
