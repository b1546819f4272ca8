package dev.retort.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The revisions as one straight chain from base to head, and Alembic's way of naming places on it.
 *
 * <p>No database here: the graph is plain data, so every target form and every error is tested in memory.
 * A place on the chain is a position: {@code -1} is base (no revision), {@code 0} the first revision.
 */
public final class RevisionGraph {

    public static final int BASE = -1;
    /** How base is written, as Alembic writes it. */
    public static final String BASE_LABEL = "<base>";
    public static final String MAX_ID_LENGTH_REASON = "alembic_version.version_num is varchar(32)";

    private static final Pattern RELATIVE = Pattern.compile("([+-])(\\d+)");
    private static final Pattern ANCHORED_RELATIVE = Pattern.compile("(.+?)([+-])(\\d+)");

    private final List<Revision> chain;
    private final Map<String, Integer> positions = new HashMap<>();

    public RevisionGraph(List<? extends Revision> revisions) {
        this.chain = List.copyOf(chainFrom(revisions));
        for (int i = 0; i < chain.size(); i++) {
            positions.put(chain.get(i).id(), i);
        }
    }

    /** Orders the revisions by their parent links and refuses anything that is not one straight chain. */
    private static List<Revision> chainFrom(List<? extends Revision> revisions) {
        Map<String, Revision> byId = new LinkedHashMap<>();
        Map<String, Revision> byParent = new HashMap<>();
        for (Revision revision : revisions) {
            String id = revision.id();
            if (id == null || id.isBlank() || id.length() > 32 || !id.equals(id.strip())) {
                throw new RevisionGraphException("Revision id '" + id + "' of " + revision.path()
                        + " must be 1 to 32 characters without surrounding spaces (" + MAX_ID_LENGTH_REASON + ").");
            }
            if (id.equals("head") || id.equals("heads") || id.equals("base") || id.startsWith("current")
                    || ANCHORED_RELATIVE.matcher(id).matches() || RELATIVE.matcher(id).matches() || id.contains(":")) {
                throw new RevisionGraphException("Revision id '" + id + "' of " + revision.path()
                        + " would read as a target; choose another id.");
            }
            Revision clash = byId.putIfAbsent(id, revision);
            if (clash != null) {
                throw new RevisionGraphException("Two revisions have the id " + id + ": "
                        + clash.path() + " and " + revision.path() + ". Give one of them the next free id.");
            }
            String parentKey = labelOf(revision.revises());
            Revision sibling = byParent.putIfAbsent(parentKey, revision);
            if (sibling != null) {
                throw new RevisionGraphException("Revisions " + sibling.id() + " and " + id + " both revise "
                        + parentKey + ", which would make two heads; Retort keeps one straight chain (" + sibling.id()
                        + " is " + sibling.path() + ", " + id + " is " + revision.path() + "). Make one revise the "
                        + "other: return \"" + sibling.id() + "\" from " + id + "'s revises(), so that " + id
                        + " comes after " + sibling.id() + ".");
            }
        }
        for (Revision revision : byId.values()) {
            if (revision.revises() != null && !byId.containsKey(revision.revises())) {
                throw new RevisionGraphException("Revision " + revision.id() + " revises " + revision.revises()
                        + ", which is not in the revision list.");
            }
        }
        if (byId.isEmpty()) {
            throw new RevisionGraphException("The revision list is empty: there is nothing to migrate to.");
        }
        List<Revision> ordered = new ArrayList<>();
        for (Revision next = byParent.get(BASE_LABEL); next != null; next = byParent.get(next.id())) {
            ordered.add(next);
        }
        if (ordered.size() != byId.size()) {
            throw new RevisionGraphException(ordered.isEmpty()
                    ? "No revision starts the chain (one must revise nothing)."
                    : "Revisions form a cycle: not all are reachable from the first revision.");
        }
        return ordered;
    }

    public List<Revision> revisions() {
        return chain;
    }

    public Revision head() {
        return chain.get(chain.size() - 1);
    }

    public Optional<Revision> find(String id) {
        Integer position = positions.get(id);
        return position == null ? Optional.empty() : Optional.of(chain.get(position));
    }

    public boolean isHead(String id) {
        return head().id().equals(id);
    }

    /** The position of a revision id, {@link #BASE} for null; an unknown id is an {@link InvalidTargetException}. */
    public int positionOf(String id) {
        if (id == null) {
            return BASE;
        }
        Integer position = positions.get(id);
        if (position == null) {
            throw new InvalidTargetException("No revision '" + id + "'. " + validChoices());
        }
        return position;
    }

    /** The revision at a position, {@code null} for base. */
    public String idAt(int position) {
        return position == BASE ? null : chain.get(position).id();
    }

    /** Like {@link #resolve(String, IntSupplier)}, with the database's position already known. */
    public int resolve(String target, int current) {
        return resolve(target, () -> current);
    }

    /**
     * Where a target names, as Alembic reads it: {@code head}, {@code base}, an id, {@code current},
     * {@code +N}/{@code -N} from the current revision, or {@code ID+N}/{@code ID-N}.
     *
     * @param current the database's position, asked for only when the target is relative to it
     */
    public int resolve(String target, IntSupplier current) {
        String word = target == null ? "" : target.strip();
        if (word.equals("head") || word.equals("heads")) {
            return chain.size() - 1;
        }
        if (word.equals("base")) {
            return BASE;
        }
        if (word.equals("current")) {
            return current.getAsInt();
        }
        if (positions.containsKey(word)) {
            return positions.get(word);
        }
        Matcher relative = RELATIVE.matcher(word);
        if (relative.matches()) {
            int from = current.getAsInt();
            return step(from, relative.group(1), relative.group(2), word, "the current revision " + label(from));
        }
        Matcher anchored = ANCHORED_RELATIVE.matcher(word);
        if (anchored.matches() && (anchored.group(1).equals("current") || isNamedPlace(anchored.group(1)))) {
            int from = resolve(anchored.group(1), current);
            String fromName = anchored.group(1).equals("current") ? "the current revision " + label(from) : anchored.group(1);
            return step(from, anchored.group(2), anchored.group(3), word, fromName);
        }
        return byPrefix(word);
    }

    /** As Alembic does, a target may be the start of one id; "00" starting several is an error naming them. */
    private int byPrefix(String word) {
        List<Revision> matches = word.isEmpty() ? List.of()
                : chain.stream().filter(revision -> revision.id().startsWith(word)).toList();
        if (matches.size() == 1) {
            return positions.get(matches.get(0).id());
        }
        if (matches.size() > 1) {
            throw new InvalidTargetException("'" + word + "' is ambiguous: it starts "
                    + matches.stream().map(Revision::id).collect(Collectors.joining(", ")) + ". Give more of the id.");
        }
        if (word.contains(":")) {
            throw new InvalidTargetException("'" + word + "' is a range FROM:TO, which only upgrade --sql, downgrade "
                    + "--sql and history -r take: give one revision. " + validChoices());
        }
        throw new InvalidTargetException("No revision '" + word + "'. " + validChoices());
    }

    private boolean isNamedPlace(String word) {
        return word.equals("head") || word.equals("heads") || word.equals("base") || positions.containsKey(word)
                || chain.stream().filter(revision -> revision.id().startsWith(word)).count() == 1;
    }

    /** The two ends of a history range, both included: positions, {@link #BASE} for base. */
    public record Range(int from, int to) {
    }

    /**
     * A history range {@code FROM:TO} as Alembic's {@code history -r} reads it: {@code -N} as FROM counts back from TO
     * ({@code -3:current}, and {@code -3:} from head, the newest four revisions), {@code +N} as TO counts on from FROM
     * ({@code 003:+2}). Neither asks for the database: an Alembic user's {@code history -r-3:} lists the newest
     * revisions, wherever the database is. Any other end is a target as {@link #resolve} reads it. {@code +N} as FROM
     * and {@code -N} as TO, which Alembic refuses too, are refused with the forms that say what was meant.
     *
     * @param current the database's position, asked for only when an end names {@code current}
     */
    public Range resolveRange(String from, String to, IntSupplier current) {
        String fromWord = from.strip();
        String toWord = to.strip();
        Matcher fromRelative = RELATIVE.matcher(fromWord);
        Matcher toRelative = RELATIVE.matcher(toWord);
        boolean fromCountsBack = fromRelative.matches() && fromRelative.group(1).equals("-");
        boolean toCountsOn = toRelative.matches() && toRelative.group(1).equals("+");
        boolean fromCountsOn = fromRelative.matches() && !fromCountsBack;
        if (fromCountsOn || (toRelative.matches() && !toCountsOn)) {
            String wrong = fromCountsOn ? fromWord : toWord;
            throw new InvalidTargetException("'" + wrong + "' cannot be " + (fromCountsOn ? "FROM" : "TO")
                    + ": in a range, -N is FROM, counted back from TO (-3:current), and +N is TO, counted on from FROM "
                    + "(003:+2). To count from the current revision, write current" + wrong + ".");
        }
        if (fromCountsBack && toCountsOn) {
            throw new InvalidTargetException("Range '" + fromWord + ":" + toWord + "' counts each end from the "
                    + "other: give one of them as a revision, e.g. " + fromWord + ":head or 003:" + toWord + ".");
        }
        if (fromCountsBack) {
            int end = resolve(toWord, current);
            return new Range(step(end, "-", fromRelative.group(2), fromWord, placeName(toWord, end)), end);
        }
        int start = resolve(fromWord, current);
        return new Range(start, toCountsOn
                ? step(start, "+", toRelative.group(2), toWord, placeName(fromWord, start))
                : resolve(toWord, current));
    }

    /**
     * TO of an offline script's {@code FROM:TO}: {@code +N} and {@code -N} count from FROM, as Alembic's {@code --sql}
     * counts them ({@code upgrade 003:+2 --sql}), and an error says so rather than speak of a current revision that
     * no one read. {@code current} names nothing here: {@code --sql} reads no database.
     */
    public int resolveFrom(String target, int from, String fromWord) {
        String word = target == null ? "" : target.strip();
        if (namesCurrent(word)) {
            throw new InvalidTargetException("--sql reads no database, so '" + word + "' names nothing: give TO as an "
                    + "id, head, base, or +N or -N counted from FROM, e.g. " + fromWord + ":+1.");
        }
        Matcher relative = RELATIVE.matcher(word);
        return relative.matches()
                ? step(from, relative.group(1), relative.group(2), word, placeName(fromWord, from))
                : resolve(word, from);
    }

    /** How an error names the end a range counts from: "head 006", "the current revision 002", "003". */
    private String placeName(String word, int position) {
        if (word.equals("current")) {
            return "the current revision " + label(position);
        }
        if (word.equals("head") || word.equals("heads")) {
            return "head " + label(position);
        }
        return word.equals(label(position)) || word.equals("base") ? word : word + " (" + label(position) + ")";
    }

    /** Whether a target or a range's end names the current revision, so that resolving it reads the database. */
    public static boolean namesCurrent(String word) {
        return word != null && word.strip().startsWith("current");
    }

    /**
     * Refuses a target that names nothing, without the database: only {@code current} and {@code +N}/{@code -N}
     * need to know where the database is, so every other mistake is reported before a connection is made.
     */
    public void checkTarget(String target) {
        if (!isRelativeToCurrent(target)) {
            resolve(target, BASE);
        }
    }

    /**
     * Like {@link #checkTarget(String)}, and refuses a step from the current revision the other way: {@code upgrade -1}
     * and {@code downgrade +1}, which Alembic refuses too ("Relative revision -1 didn't produce 1 migrations"). Each
     * is surely a slip for the other verb, and {@code upgrade -1} would otherwise change nothing and exit 0, leaving a
     * script that meant to go back none the wiser.
     */
    public void checkTarget(String target, Direction direction) {
        Matcher relative = RELATIVE.matcher(target == null ? "" : target.strip());
        if (relative.matches() && !relative.group(2).matches("0+")
                && relative.group(1).equals("+") != (direction == Direction.UPGRADE)) {
            String count = relative.group(2);
            throw new InvalidTargetException(direction.word() + " " + relative.group() + " would go "
                    + (direction == Direction.UPGRADE ? "down" : "up") + " " + count + (count.equals("1") ? " revision"
                    : " revisions") + ": use " + direction.opposite().word() + " " + relative.group() + ".");
        }
        checkTarget(target);
    }

    /** Whether resolving {@code target} needs the database's current revision. */
    public static boolean isRelativeToCurrent(String target) {
        return namesCurrent(target) || target != null && RELATIVE.matcher(target.strip()).matches();
    }

    private int step(int from, String sign, String count, String word, String fromName) {
        int steps;
        try {
            steps = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new InvalidTargetException("'" + word + "' steps too far. " + validChoices());
        }
        long target = sign.equals("+") ? (long) from + steps : (long) from - steps;
        String anchor = word.substring(0, word.lastIndexOf(sign));
        int head = chain.size() - 1;
        if (target > head) {
            int room = head - from;
            throw new InvalidTargetException("'" + word + "' goes past head: " + (room == 0
                    ? (anchor.equals("head") || anchor.equals("heads") ? "nothing is above head. Give head." : fromName
                    + " is the head: nothing is above it.")
                    : fromName + " is " + steps(room) + " below head " + head().id() + ". Give " + anchor + "+"
                    + room + " or head."));
        }
        if (target < BASE) {
            int room = from - BASE;
            throw new InvalidTargetException("'" + word + "' goes past base: " + (from == BASE
                    ? (anchor.equals("base") ? "nothing is below base. Give base."
                    : fromName + " is base: nothing is below it.")
                    : fromName + " is " + steps(room) + " above base. Give " + anchor + "-" + room + " or base."));
        }
        return (int) target;
    }

    private static String steps(int count) {
        return count == 1 ? "1 step" : count + " steps";
    }

    /** The steps that take the database from one position up to a higher one, oldest first. */
    public List<Step> upgradePath(int from, int to) {
        List<Step> steps = new ArrayList<>();
        for (int position = from + 1; position <= to; position++) {
            steps.add(Step.up(chain.get(position)));
        }
        return steps;
    }

    /** The steps that take the database from one position down to a lower one, newest first. */
    public List<Step> downgradePath(int from, int to) {
        List<Step> steps = new ArrayList<>();
        for (int position = from; position > to; position--) {
            steps.add(Step.down(chain.get(position)));
        }
        return steps;
    }

    /** Newest first, as {@code history} lists them. */
    public List<Revision> newestFirst() {
        List<Revision> reversed = new ArrayList<>(chain);
        Collections.reverse(reversed);
        return reversed;
    }

    public String label(int position) {
        return position == BASE ? BASE_LABEL : chain.get(position).id();
    }

    /** An id as printed: {@code <base>} for none. */
    public static String labelOf(String id) {
        return id == null ? BASE_LABEL : id;
    }

    /** An id as a command names it for a target: {@code base} for null, else the id. */
    public static String targetWordOf(String id) {
        return id == null ? "base" : id;
    }

    /** An id as {@code current} prints it: {@code 006 (head)}, {@code 003}, or {@code <base>}. */
    public String labelWithHead(String id) {
        return id != null && isHead(id) ? id + " (head)" : labelOf(id);
    }

    public String validChoices() {
        String ids = chain.size() <= 12
                ? chain.stream().map(Revision::id).collect(Collectors.joining(", "))
                : chain.get(0).id() + " … " + head().id();
        return "Valid targets: head, base, " + ids + ", current, +N or -N (from the current revision), ID+N or ID-N.";
    }
}
