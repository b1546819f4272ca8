package dev.retort.engine;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

import java.util.List;

/**
 * How a live schema differs from the snapshot expected at its revision, as a unified diff of the snapshots' text:
 * each snapshot line names its object ({@code index ix_users_email on users: …}), so every changed line says
 * which object drifted and how. {@code -} lines are expected but missing or different; {@code +} lines are live.
 *
 * @param revision the revision whose snapshot was expected, as a label ({@code 006 (head)}, {@code <base>})
 */
public record SchemaDrift(String revision, List<String> diff) {

    public static SchemaDrift between(String revision, String expected, String live) {
        List<String> expectedLines = expected.lines().toList();
        List<String> liveLines = live.lines().toList();
        Patch<String> patch = DiffUtils.diff(expectedLines, liveLines);
        if (patch.getDeltas().isEmpty()) {
            return new SchemaDrift(revision, List.of());
        }
        return new SchemaDrift(revision, List.copyOf(UnifiedDiffUtils.generateUnifiedDiff(
                "expected at " + revision, "live database", expectedLines, patch, 0)));
    }

    public boolean none() {
        return diff.isEmpty();
    }
}
