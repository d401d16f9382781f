package dev.kelpie.broker.metadata;

import java.util.List;

/**
 * What a controller operation decided: the records to commit (empty when nothing changes, e.g. a failed
 * validation or {@code validateOnly}) and the answer to give once they are committed.
 */
record ControllerResult<T>(List<MetadataRecord> records, T response) {
    ControllerResult {
        records = List.copyOf(records);
    }
}
