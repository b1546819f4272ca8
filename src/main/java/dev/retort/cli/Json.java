package dev.retort.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.retort.engine.AppliedRevision;
import dev.retort.engine.BlockingSession;
import dev.retort.engine.EditedRevision;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.Step;
import dev.retort.engine.UnfinishedStep;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --json}: one JSON document on stdout per command, with the field names the README documents. Documents
 * are built as ordered maps, field by field, so that what a script reads is written down here and nowhere else.
 */
final class Json {

    /**
     * Indented, and in ASCII alone, every other character escaped ({@code \u2026}): stdout is written in the locale's
     * charset, and a container without a locale (POSIX) makes that ASCII on Java 17, which would print "…", a
     * revision's message or a server's localised error as "?" in what a pipeline's jq reads.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private Json() {
    }

    /** An object with its fields in the order given: name, value, name, value… (null values are kept). */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    static void print(PrintWriter out, Object document) {
        out.println(text(document));
        out.flush();
    }

    /** The document as indented JSON text. */
    static String text(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON document of maps, lists and strings always serialises", e);
        }
    }

    /** {@code {"error": {"code": 2, "message": "…"}}}: what every command prints on failure under --json. */
    static void printError(PrintWriter out, int exitCode, String message) {
        print(out, object("error", object("code", exitCode, "message", message)));
    }

    static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static Map<String, Object> revision(RevisionGraph graph, Revision revision) {
        return object("id", revision.id(), "revises", revision.revises(), "message", revision.message(),
                "path", revision.path(), "head", graph.isHead(revision.id()), "online", revision.online());
    }

    static Map<String, Object> applied(AppliedRevision applied) {
        return applied == null ? null : object("at", instant(applied.appliedAt()), "by", applied.dbUser(),
                "duration_ms", applied.durationMs(), "checksum", applied.checksum());
    }

    static Map<String, Object> step(Step step) {
        return object("revision", step.revision().id(), "direction", step.direction().word(), "from", step.from(),
                "to", step.to(), "message", step.revision().message());
    }

    static Map<String, Object> result(String database, MigrationResult result) {
        List<Object> steps = result.steps().stream().map(timing -> {
            Map<String, Object> step = step(timing.step());
            step.put("duration_ms", timing.took().toMillis());
            return (Object) step;
        }).toList();
        long total = result.steps().stream().mapToLong(timing -> timing.took().toMillis()).sum();
        return object("database", database, "from", result.from(), "to", result.to(),
                "undone_first", result.undoneFirst() == null ? null : step(result.undoneFirst()), "steps", steps,
                "duration_ms", total, "note", result.note(),
                "edited_revisions", result.edited().stream().map(Json::edited).toList());
    }

    static Map<String, Object> edited(EditedRevision edited) {
        return object("revision", edited.revision(), "applied_at", instant(edited.appliedAt()),
                "recorded_checksum", edited.recordedChecksum(), "shipped_checksum", edited.shippedChecksum(),
                "ran_empty", edited.ranEmpty());
    }

    /** An online step that stopped partway; {@code null} when there is none. */
    static Map<String, Object> unfinished(UnfinishedStep step) {
        return step == null ? null : object("revision", step.revision(), "direction", step.direction(), "from",
                step.from(), "to", step.to(), "left", step.left().name().toLowerCase(Locale.ROOT), "last_done",
                step.lastDone(), "at", instant(step.at()), "running_in", step.runningIn() == null ? null
                        : object("pid", step.runningIn().pid(), "application_name", step.runningIn().applicationName()));
    }

    static Map<String, Object> session(BlockingSession session) {
        return object("pid", session.pid(), "application_name", session.applicationName(), "state",
                session.state(), "transaction_start", instant(session.transactionStart()),
                "query_start", instant(session.queryStart()), "query", session.query(),
                "table", session.table());
    }
}
