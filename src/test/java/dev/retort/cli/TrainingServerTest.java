package dev.retort.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The archive training's server takes pgjdbc through a whole password authentication, then refuses it. */
class TrainingServerTest {

    @Test
    void pgjdbcSendsItsProofAndIsRefusedWithAnAuthenticationError() throws Exception {
        try (TrainingServer server = new TrainingServer()) {
            Cli.Result result = Cli.shipped(Path.of(".")).runOn(server.url(), "current");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
            // The server says this only once the client's proof has come: the SCRAM exchange went through.
            assertThat(result.err()).contains("accepts no password", "Check the user and the password")
                    .doesNotContain("training@");
        }
    }

    @Test
    void theTrainingRunsEveryCommandLineWithoutAnyDatabase() throws Exception {
        ArchiveTraining.main(new String[0]);
    }
}
