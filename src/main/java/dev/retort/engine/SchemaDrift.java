package dev.retort.engine;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a live schema differs from the snapshot expected at its revision, as a unified diff of the snapshots' text:
 * each snapshot line names its object ({@code index ix_users_email on users: …}), so every changed line says
 * which object drifted and how. A column's line is indented under its table's, so a hunk of column lines names that
 * table after its {@code @@} header, as {@code git diff} names the function a hunk is in. {@code -} lines are
 * expected but missing or different; {@code +} lines are live.
 *
 * @param revision the revision whose snapshot was expected, as a label ({@code 006 (head)}, {@code <base>})
 */
public record SchemaDrift(String revision, List<String> diff) {

    /** A hunk header, {@code @@ -56,1 +56,1 @@}, and where it starts in the expected lines. */
    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+)(?:,\\d+)? \\+\\d+(?:,\\d+)? @@");

    public static SchemaDrift between(String revision, String expected, String live) {
        List<String> expectedLines = expected.lines().toList();
        List<String> liveLines = live.lines().toList();
        Patch<String> patch = DiffUtils.diff(expectedLines, liveLines);
        if (patch.getDeltas().isEmpty()) {
            return new SchemaDrift(revision, List.of());
        }
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("expected at " + revision, "live database",
                expectedLines, patch, 0);
        return new SchemaDrift(revision, withEnclosingObjects(diff, expectedLines));
    }

    /** Each hunk whose first line is indented (a column) gets the object it is under after its header. */
    private static List<String> withEnclosingObjects(List<String> diff, List<String> expectedLines) {
        List<String> named = new ArrayList<>(diff);
        for (int i = 0; i + 1 < named.size(); i++) {
            Matcher hunk = HUNK.matcher(named.get(i));
            if (!hunk.matches() || !named.get(i + 1).substring(1).startsWith(" ")) {
                continue;
            }
            // java-diff-utils writes the hunk's 0-based position plus one, also for a hunk that only adds ("-N,0"
            // goes before line N, where GNU diff would write N - 1): the line before it is N - 2, 0-based.
            int lastBefore = Integer.parseInt(hunk.group(1)) - 2;
            for (int line = Math.min(lastBefore, expectedLines.size() - 1); line >= 0; line--) {
                String object = expectedLines.get(line);
                if (!object.startsWith(" ")) {
                    int comment = object.indexOf(" -- ");
                    named.set(i, named.get(i) + " " + (comment < 0 ? object : object.substring(0, comment)));
                    break;
                }
            }
        }
        return named;
    }

    public boolean none() {
        return diff.isEmpty();
    }
}
