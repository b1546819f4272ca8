package dev.retort.bench;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CliTimingTest {

    private static CliTiming timing(Long goal, Double... millis) {
        return new CliTiming("retort", "retort current", goal, List.of(millis),
                Collections.nCopies(millis.length, 1.5));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwoAndP90IsTheNearestRank() {
        CliTiming timing = timing(150L, 300.0, 100.0, 120.0, 110.0, 130.0, 140.0, 160.0, 150.0, 170.0, 180.0);

        assertThat(timing.medianMs()).isEqualTo(145.0);
        assertThat(timing.p90Ms()).isEqualTo(180.0);
        assertThat(timing.metGoal()).isTrue();
    }

    @Test
    void aSingleRunIsItsOwnMedianAndP90AndARowWithoutGoalHasNoVerdict() {
        CliTiming timing = timing(null, 42.0);

        assertThat(timing.medianMs()).isEqualTo(42.0);
        assertThat(timing.p90Ms()).isEqualTo(42.0);
        assertThat(timing.metGoal()).isNull();
        assertThat(timing.json()).containsEntry("goal_ms", null).containsEntry("met_goal", null)
                .containsEntry("load_average", 1.5);
    }
}
