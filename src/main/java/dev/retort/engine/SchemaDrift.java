package dev.retort.engine;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import dev.retort.engine.DriftedObject.Change;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a live schema differs from the snapshot expected at its revision, as a unified diff of the snapshots' text:
 * each snapshot line names its object ({@code index ix_users_email on users: …}), so every changed line says
 * which object drifted and how. A column's line is indented under its table's, so a hunk of column lines names that
 * table after its {@code @@} header, as {@code git diff} names the function a hunk is in. {@code -} lines are
 * expected but missing or different; {@code +} lines are live.
 *
 * <p>Lines are matched as the objects they describe: a column's line only ever matches a line of the same table's.
 * A plain line diff would match {@code users}' columns with those of a copy ({@code CREATE TABLE users_archive (LIKE
 * users)}), and report a changed default of {@code users.created_at} as seven columns added to {@code users} and
 * removed from the copy, the change itself nowhere.
 *
 * @param revision the revision whose snapshot was expected, as a label ({@code 006 (head)}, {@code <base>})
 * @param objects  the objects that differ, in the diff's order, for a reader who wants them counted; a table's
 *                 columns are left out when the whole table is missing or extra
 */
public record SchemaDrift(String revision, List<String> diff, List<DriftedObject> objects) {

    /** A hunk header, {@code @@ -56,1 +56,1 @@}, and where it starts in the expected lines. */
    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+)(?:,\\d+)? \\+\\d+(?:,\\d+)? @@");

    /**
     * Separates a column line's table from the line in what the diff compares; PostgreSQL's text never holds it, so
     * no name or comment can forge a match.
     */
    private static final char TABLE_SEPARATOR = '\0';

    public SchemaDrift {
        diff = List.copyOf(diff);
        objects = List.copyOf(objects);
    }

    public static SchemaDrift between(String revision, String expected, String live) {
        List<String> expectedLines = expected.lines().toList();
        List<ObjectLine> expectedObjects = ObjectLine.all(expectedLines);
        List<ObjectLine> liveObjects = ObjectLine.all(live.lines().toList());
        List<String> expectedKeys = expectedObjects.stream().map(ObjectLine::key).toList();
        Patch<String> patch = DiffUtils.diff(expectedKeys, liveObjects.stream().map(ObjectLine::key).toList());
        if (patch.getDeltas().isEmpty()) {
            return new SchemaDrift(revision, List.of(), List.of());
        }
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("expected at " + revision, "live database",
                expectedKeys, patch, 0).stream().map(SchemaDrift::withoutTable).toList();
        return new SchemaDrift(revision, withEnclosingObjects(diff, expectedLines),
                driftedObjects(patch, expectedObjects, liveObjects));
    }

    /** A diff line as printed: its marker, then the snapshot line without the table a column's key carries. */
    private static String withoutTable(String keyedLine) {
        int separator = keyedLine.indexOf(TABLE_SEPARATOR);
        return separator < 0 ? keyedLine : keyedLine.charAt(0) + keyedLine.substring(separator + 1);
    }

    /**
     * Each object with a {@code -} line, a {@code +} line or both, in the diff's order. The columns of a table missing
     * or extra as a whole are left out: they come with it.
     */
    private static List<DriftedObject> driftedObjects(Patch<String> patch, List<ObjectLine> expected,
                                                      List<ObjectLine> live) {
        Map<SnapshotObject, String> inOrder = new LinkedHashMap<>(); // each object, and its table if a column
        Set<SnapshotObject> removed = new HashSet<>();
        Set<SnapshotObject> added = new HashSet<>();
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            int source = delta.getSource().getPosition();
            for (ObjectLine line : expected.subList(source, source + delta.getSource().size())) {
                inOrder.put(line.object(), line.table());
                removed.add(line.object());
            }
            int target = delta.getTarget().getPosition();
            for (ObjectLine line : live.subList(target, target + delta.getTarget().size())) {
                inOrder.put(line.object(), line.table());
                added.add(line.object());
            }
        }
        Function<SnapshotObject, Change> change = object -> !added.contains(object) ? Change.MISSING
                : removed.contains(object) ? Change.CHANGED : Change.EXTRA;
        List<DriftedObject> objects = new ArrayList<>();
        inOrder.forEach((object, table) -> {
            Change how = change.apply(object);
            SnapshotObject itsTable = table == null ? null : new SnapshotObject("table", table);
            boolean withItsTable = itsTable != null && how != Change.CHANGED && inOrder.containsKey(itsTable)
                    && change.apply(itsTable) == how;
            if (!withItsTable) {
                objects.add(new DriftedObject(object.kind(), object.name(), how));
            }
        });
        return objects;
    }

    /**
     * A snapshot line with the object it describes and, for a column, its table's name.
     *
     * @param table for a column, the table it is under; otherwise null
     */
    private record ObjectLine(String text, SnapshotObject object, String table) {

        static List<ObjectLine> all(List<String> lines) {
            List<ObjectLine> objects = new ArrayList<>();
            String table = null;
            for (String line : lines) {
                SnapshotObject object = SnapshotObject.of(line, table);
                if (object.isTable()) {
                    table = object.name();
                } else if (!line.startsWith(" ")) {
                    table = null;
                }
                objects.add(new ObjectLine(line, object, object.kind().equals("column") ? table : null));
            }
            return objects;
        }

        /** What the diff compares: the line, and for a column the table it belongs to as well. */
        String key() {
            return table == null ? text : table + TABLE_SEPARATOR + text;
        }
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
