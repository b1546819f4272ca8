package dev.retort.cli;

import dev.retort.engine.DriftedObject;
import dev.retort.engine.DriftedObject.Change;
import dev.retort.engine.SchemaDrift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The line that closes verify's drift report, counting what the diff above it shows: {@code DRIFT from revision 006
 * (head): missing 1 index; changed 1 column; extra 200 tables, 400 constraints, 400 indexes.} A diff of a few lines
 * needs no summary, but one of thousands (a project's own tables beside the revisions') scrolls its header away, and
 * the end of the output is what a terminal or a CI log shows.
 */
final class DriftSummary {

    private DriftSummary() {
    }

    static String line(SchemaDrift drift) {
        List<String> parts = new ArrayList<>();
        for (Change change : Change.values()) {
            Map<String, Integer> counts = new LinkedHashMap<>(); // kinds in the diff's order
            for (DriftedObject object : drift.objects()) {
                if (object.change() == change) {
                    counts.merge(object.kind(), 1, Integer::sum);
                }
            }
            if (!counts.isEmpty()) {
                List<String> kinds = new ArrayList<>();
                counts.forEach((kind, count) -> kinds.add(count + " " + (count == 1 ? kind : plural(kind))));
                parts.add(change.name().toLowerCase(Locale.ROOT) + " " + String.join(", ", kinds));
            }
        }
        return "DRIFT from revision " + drift.revision() + ": " + String.join("; ", parts) + ".";
    }

    private static String plural(String kind) {
        if (kind.endsWith("x")) {
            return kind + "es"; // index
        }
        if (kind.endsWith("cy")) {
            return kind.substring(0, kind.length() - 1) + "ies"; // policy
        }
        return kind + "s";
    }
}
