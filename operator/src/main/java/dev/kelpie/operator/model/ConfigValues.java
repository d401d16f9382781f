package dev.kelpie.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns {@code spec.config} values (any YAML scalar) into property strings. A list of scalars becomes a
 * comma-separated value, as Kafka's list-typed properties expect; objects and nulls have no meaning.
 */
public final class ConfigValues {

    private ConfigValues() {
    }

    /** The value as a property string, or empty when it is not a scalar or a list of scalars. */
    public static Optional<String> render(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode() || value.isObject()) {
            return Optional.empty();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isValueNode() || item.isNull()) {
                    return Optional.empty();
                }
                items.add(item.asText());
            }
            return Optional.of(String.join(",", items));
        }
        return Optional.of(value.asText());
    }

    /** Every renderable entry, sorted by key; entries that cannot be rendered are left out. */
    public static SortedMap<String, String> renderAll(Map<String, JsonNode> config) {
        SortedMap<String, String> rendered = new TreeMap<>();
        if (config != null) {
            config.forEach((key, value) -> render(value).ifPresent(text -> rendered.put(key, text)));
        }
        return rendered;
    }
}
