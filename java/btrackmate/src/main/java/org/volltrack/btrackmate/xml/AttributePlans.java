package org.volltrack.btrackmate.xml;

import java.util.IdentityHashMap;
import java.util.Map;

import javax.xml.stream.XMLStreamException;

import org.volltrack.btrackmate.model.FeatureDeclaration;
import org.volltrack.btrackmate.model.FeatureLayout;

/**
 * Cache of {@link AttributePlan}s by feature layout (identity): millions of spots or edges usually share a
 * handful of layouts, so the key order, name checks and declaration lookups are done once per layout.
 *
 * @param <T> the kind of item a plan is made from (spot or layout)
 */
final class AttributePlans<T> {

    /** Makes the plan of an item. */
    @FunctionalInterface
    interface Planner<T> {
        AttributePlan plan(T item, Map<String, FeatureDeclaration> declared) throws XMLStreamException;
    }

    private final Map<FeatureLayout, AttributePlan> plans = new IdentityHashMap<>();
    private final Map<String, FeatureDeclaration> declared;
    private final Planner<T> planner;
    private FeatureLayout lastLayout;
    private AttributePlan lastPlan;

    AttributePlans(final Map<String, FeatureDeclaration> declared, final Planner<T> planner) {
        this.declared = declared;
        this.planner = planner;
    }

    /**
     * @param layout the item's feature layout
     * @param item   the item, used to make the plan the first time its layout is seen
     * @return the plan
     * @throws XMLStreamException if a key cannot be an attribute name
     */
    AttributePlan of(final FeatureLayout layout, final T item) throws XMLStreamException {
        if (layout == lastLayout) {
            return lastPlan;
        }
        AttributePlan plan = plans.get(layout);
        if (plan == null) {
            plan = planner.plan(item, declared);
            plans.put(layout, plan);
        }
        lastLayout = layout;
        lastPlan = plan;
        return plan;
    }
}
