package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevisionGraphTest {

    private final RevisionGraph graph = new RevisionGraph(List.of(
            FakeRevision.of("001", null), FakeRevision.of("002", "001"), FakeRevision.of("003", "002"),
            FakeRevision.of("004", "003"), FakeRevision.of("005", "004"), FakeRevision.of("006", "005")));

    @ParameterizedTest(name = "at {1}, ''{0}'' is {2}")
    @CsvSource({
            "head,    003, 006",
            "heads,   003, 006",
            "base,    003, <base>",
            "002,     003, 002",
            "current, 003, 003",
            "+1,      003, 004",
            "+3,      003, 006",
            "-1,      003, 002",
            "-3,      003, <base>",
            "+1,      <base>, 001",
            "001+2,   006, 003",
            "004-4,   006, <base>",
            "002+4,   <base>, 006",
            "current+2, 003, 005",
            "current-1, 003, 002",
            "' 005 ', 003, 005",
            "head-2,  001, 004",
            "base+1,  006, 001",
    })
    void resolvesEveryTargetFormAsAlembicDoes(String target, String current, String expected) {
        int at = current.equals("<base>") ? RevisionGraph.BASE : graph.positionOf(current);
        assertThat(graph.label(graph.resolve(target, at))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "at {1}, ''{0}'' is refused: {2}")
    @CsvSource(delimiter = '|', value = {
            "+4      | 003    | goes past head",
            "-4      | 003    | goes past base",
            "-1      | <base> | goes past base",
            "+1      | 006    | goes past head",
            "006+1   | 001    | goes past head",
            "001-2   | 006    | goes past base",
            "007     | 003    | No revision '007'",
            "3       | 003    | No revision '3'",
            "00      | 003    | '00' is ambiguous: it starts 001, 002, 003, 004, 005, 006",
            "''      | 003    | No revision ''",
            "head+1x | 003    | No revision 'head+1x'",
            "head+1  | 003    | goes past head",
            "base-1  | 003    | goes past base",
            "+99999999999 | 003 | steps too far",
            "+2147483647 | 003 | goes past head",
            "-2147483647 | 003 | goes past base",
    })
    void refusesTargetsThatNameNothingAndSaysWhatIsValid(String target, String current, String reason) {
        int at = current.equals("<base>") ? RevisionGraph.BASE : graph.positionOf(current);
        assertThatThrownBy(() -> graph.resolve(target, at))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void saysHowFarTheEndIsAndWhatIsValid() {
        assertThatThrownBy(() -> graph.resolve("+1", 5)).hasMessage(
                "'+1' goes past head: the current revision 006 is the head: nothing is above it.");
        assertThatThrownBy(() -> graph.resolve("+3", 3)).hasMessage(
                "'+3' goes past head: the current revision 004 is 2 steps below head 006. Give +2 or head.");
        assertThatThrownBy(() -> graph.resolve("-1", RevisionGraph.BASE)).hasMessage(
                "'-1' goes past base: the current revision <base> is base: nothing is below it.");
        assertThatThrownBy(() -> graph.resolve("001-2", 5)).hasMessage(
                "'001-2' goes past base: 001 is 1 step above base. Give 001-1 or base.");
        assertThatThrownBy(() -> graph.resolve("7", 5)).hasMessage("No revision '7'. Valid targets: head, base, "
                + "001, 002, 003, 004, 005, 006, current, +N or -N (from the current revision), ID+N or ID-N.");
    }

    @Test
    void refusesAStepFromTheCurrentRevisionTheOtherWayWithoutTheDatabase() {
        assertThatThrownBy(() -> graph.checkTarget("-1", Direction.UPGRADE)).isInstanceOf(InvalidTargetException.class)
                .hasMessage("upgrade -1 would go down 1 revision: use downgrade -1.");
        assertThatThrownBy(() -> graph.checkTarget("+2", Direction.DOWNGRADE))
                .hasMessage("downgrade +2 would go up 2 revisions: use upgrade +2.");
        graph.checkTarget("+1", Direction.UPGRADE);
        graph.checkTarget("-1", Direction.DOWNGRADE);
        graph.checkTarget("004-1", Direction.UPGRADE); // an anchored step is a place like any other
        graph.checkTarget("+0", Direction.DOWNGRADE);
    }

    @Test
    void aTargetMayBeTheStartOfOneIdAsInAlembic() {
        RevisionGraph hashes = new RevisionGraph(List.of(FakeRevision.of("1975ea83b712", null),
                FakeRevision.of("ae1027a6acf", "1975ea83b712"), FakeRevision.of("ae10b2c3", "ae1027a6acf")));
        assertThat(hashes.label(hashes.resolve("1975", RevisionGraph.BASE))).isEqualTo("1975ea83b712");
        assertThat(hashes.label(hashes.resolve("ae1027+1", RevisionGraph.BASE))).isEqualTo("ae10b2c3");
        assertThatThrownBy(() -> hashes.resolve("ae10", RevisionGraph.BASE)).isInstanceOf(InvalidTargetException.class)
                .hasMessage("'ae10' is ambiguous: it starts ae1027a6acf, ae10b2c3. Give more of the id.");
    }

    @Test
    void doesNotAskForTheCurrentRevisionUnlessTheTargetIsRelativeToIt() {
        assertThat(graph.resolve("004", () -> {
            throw new AssertionError("the database was read for an absolute target");
        })).isEqualTo(3);
        assertThat(RevisionGraph.isRelativeToCurrent("-1")).isTrue();
        assertThat(RevisionGraph.isRelativeToCurrent("current")).isTrue();
        assertThat(RevisionGraph.isRelativeToCurrent("003-1")).isFalse();
    }

    @ParameterizedTest(name = "at {2}, history -r {0}:{1} lists {3} to {4}")
    @CsvSource({
            "-3,   head,    003,    003, 006",
            "-1,   head,    <base>, 005, 006",
            "-3,   current, 005,    002, 005",
            "-2,   004,     006,    002, 004",
            "003,  +2,      <base>, 003, 005",
            "base, +1,      006,    <base>, 001",
            "current, +1,   002,    002, 003",
            "-6,   head,    003,    <base>, 006",
    })
    void aHistoryRangeCountsMinusNBackFromToAndPlusNOnFromFromAsAlembicDoes(String from, String to, String current,
                                                                              String first, String last) {
        int at = current.equals("<base>") ? RevisionGraph.BASE : graph.positionOf(current);
        RevisionGraph.Range range = graph.resolveRange(from, to, () -> at);
        assertThat(graph.label(range.from())).isEqualTo(first);
        assertThat(graph.label(range.to())).isEqualTo(last);
    }

    @Test
    void aHistoryRangeWithoutCurrentNeverAsksForTheDatabase() {
        for (String[] range : new String[][] {{"-3", "head"}, {"003", "+2"}, {"-1", "005"}, {"base", "+1"}}) {
            graph.resolveRange(range[0], range[1], () -> {
                throw new AssertionError("the database was read for " + range[0] + ":" + range[1]);
            });
        }
        assertThat(RevisionGraph.namesCurrent("current-1")).isTrue();
        assertThat(RevisionGraph.namesCurrent("-1")).isFalse();
    }

    @Test
    void aHistoryRangeRefusesPlusNAsFromMinusNAsToAndStepsPastEitherEnd() {
        assertThatThrownBy(() -> graph.resolveRange("+1", "head", () -> 2)).isInstanceOf(InvalidTargetException.class)
                .hasMessage("'+1' cannot be FROM: in a range, -N is FROM, counted back from TO "
                        + "(-3:current), and +N is TO, counted on from FROM (003:+2). To count from the current "
                        + "revision, write current+1.");
        assertThatThrownBy(() -> graph.resolveRange("base", "-2", () -> 2)).isInstanceOf(InvalidTargetException.class)
                .hasMessageContaining("'-2' cannot be TO").hasMessageEndingWith("write current-2.");
        assertThatThrownBy(() -> graph.resolveRange("-2", "+3", () -> 2)).isInstanceOf(InvalidTargetException.class)
                .hasMessage("Range '-2:+3' counts each end from the other: give one of them as a revision, e.g. "
                        + "-2:head or 003:+3.");
        assertThatThrownBy(() -> graph.resolveRange("-7", "head", () -> 2)).isInstanceOf(InvalidTargetException.class)
                .hasMessage("'-7' goes past base: head 006 is 6 steps above base. Give -6 or base.");
        assertThatThrownBy(() -> graph.resolveRange("-3", "current", () -> 1))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessage("'-3' goes past base: the current revision 002 is 2 steps above base. Give -2 or base.");
        assertThatThrownBy(() -> graph.resolveRange("004", "+3", () -> 2)).isInstanceOf(InvalidTargetException.class)
                .hasMessage("'+3' goes past head: 004 is 2 steps below head 006. Give +2 or head.");
    }

    @Test
    void ordersTheChainByParentLinksNotByListOrder() {
        RevisionGraph shuffled = new RevisionGraph(List.of(
                FakeRevision.of("b", "a"), FakeRevision.of("c", "b"), FakeRevision.of("a", null)));
        assertThat(shuffled.revisions()).extracting(Revision::id).containsExactly("a", "b", "c");
        assertThat(shuffled.head().id()).isEqualTo("c");
        assertThat(shuffled.newestFirst()).extracting(Revision::id).containsExactly("c", "b", "a");
    }

    @Test
    void upgradePathRunsOldestFirstAndDowngradePathNewestFirst() {
        assertThat(graph.upgradePath(RevisionGraph.BASE, 2)).extracting(Step::describe).containsExactly(
                "upgrade  -> 001, revision 001", "upgrade 001 -> 002, revision 002", "upgrade 002 -> 003, revision 003");
        assertThat(graph.downgradePath(5, 3)).extracting(Step::describe).containsExactly(
                "downgrade 006 -> 005, revision 006", "downgrade 005 -> 004, revision 005");
        assertThat(graph.upgradePath(3, 3)).isEmpty();
    }

    @Test
    void refusesTwoRevisionsClaimingTheSameParent() {
        assertThatThrownBy(() -> new RevisionGraph(List.of(
                FakeRevision.of("001", null), FakeRevision.of("002", "001"), FakeRevision.of("002b", "001"))))
                .isInstanceOf(RevisionGraphException.class)
                .hasMessageContaining("002 and 002b both revise 001")
                .hasMessageContaining("two heads");
    }

    @Test
    void refusesDuplicateIdsMissingParentsCyclesAndAnEmptyList() {
        assertThatThrownBy(() -> new RevisionGraph(List.of(FakeRevision.of("001", null), FakeRevision.of("001", "001"))))
                .isInstanceOf(RevisionGraphException.class).hasMessageContaining("Two revisions have the id 001");
        assertThatThrownBy(() -> new RevisionGraph(List.of(FakeRevision.of("001", null), FakeRevision.of("003", "002"))))
                .isInstanceOf(RevisionGraphException.class).hasMessageContaining("revises 002, which is not in the revision list");
        assertThatThrownBy(() -> new RevisionGraph(List.of(
                FakeRevision.of("001", null), FakeRevision.of("002", "003"), FakeRevision.of("003", "002"))))
                .isInstanceOf(RevisionGraphException.class).hasMessageContaining("cycle");
        assertThatThrownBy(() -> new RevisionGraph(List.of()))
                .isInstanceOf(RevisionGraphException.class).hasMessageContaining("empty");
    }

    @ParameterizedTest
    @CsvSource({"head", "base", "current", "+1", "a-1", "a:b", "' 001'", "123456789012345678901234567890123"})
    void refusesIdsThatWouldReadAsTargetsOrNotFitTheVersionTable(String id) {
        assertThatThrownBy(() -> new RevisionGraph(List.of(FakeRevision.of(id, null))))
                .isInstanceOf(RevisionGraphException.class);
    }
}
