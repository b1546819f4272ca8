package dev.retort.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Column.Overflow;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;

/**
 * Picocli's usage help, with its lines broken at spaces only. Picocli breaks lines wherever
 * {@code java.text.BreakIterator.getLineInstance()} allows, which is also inside a word, after a '.', ':' or ',':
 * {@code .retort/} came out as {@code .} and {@code retort/} on the next line, {@code host:5432/db} as {@code host:}
 * and {@code 5432/db}, {@code e.g.} as {@code e.} and {@code g.}. A path or URL broken so cannot be copied, and since
 * the width follows the terminal's (usageHelpAutoWidth), no wording avoids it. Picocli has no setting for this (its
 * TextTable asks the BreakIterator in a private method), so this Help lays out every part that wraps in a
 * {@link Table}, with the columns and indents picocli gives it. Picocli makes a Help only to print one: nothing here
 * runs on a command that prints no help.
 */
final class SpaceWrappedHelp extends Help {

    /** What {@link Main} registers on every command: picocli calls it when, and only when, it prints a help. */
    static final class Factory implements CommandLine.IHelpFactory {
        @Override
        public Help create(CommandSpec spec, ColorScheme colorScheme) {
            return new SpaceWrappedHelp(spec, colorScheme);
        }
    }

    private SpaceWrappedHelp(CommandSpec spec, ColorScheme colorScheme) {
        super(spec, colorScheme);
    }

    @Override
    public String description(Object... params) {
        return lines(commandSpec().usageMessage().description(), params);
    }

    @Override
    public String header(Object... params) {
        return lines(commandSpec().usageMessage().header(), params);
    }

    @Override
    public String footer(Object... params) {
        return lines(commandSpec().usageMessage().footer(), params);
    }

    /** As picocli's {@code Help.join}: lines as wide as the help, a wrapped line not indented. */
    private String lines(String[] lines, Object... params) {
        TextTable table = new Table(colorScheme(), new Column(width(), 0, Overflow.WRAP));
        table.indentWrappedLines = 0;
        for (String line : lines) {
            table.addRowValues(format(line, params));
        }
        return table.toString();
    }

    /** The synopsis, laid out as picocli lays it out (its Help.insertSynopsisCommandName). */
    @Override
    protected String insertSynopsisCommandName(int headingLength, Text optionsAndParameters) {
        String name = commandSpec().qualifiedName();
        UsageMessageSpec usage = commandSpec().usageMessage();
        int indent = headingLength + name.length() + 1;
        if (indent > usage.synopsisAutoIndentThreshold() * width()) {
            indent = Math.min(usage.synopsisIndent() < 0 ? headingLength : usage.synopsisIndent(),
                    (int) (0.9 * width())); // picocli's MAX_SYNOPSIS_AUTO_INDENT_THRESHOLD
        }
        TextTable table = new Table(colorScheme(), new Column(width(), 0, Overflow.WRAP));
        table.indentWrappedLines = indent;
        // A stand-in for the heading ("Usage: "), which picocli prints before this, cut off again below.
        Text heading = Help.Ansi.OFF.new Text("X".repeat(headingLength), colorScheme());
        table.addRowValues(heading.concat(colorScheme().commandText(name)).concat(optionsAndParameters));
        return table.toString().substring(headingLength);
    }

    /** The options and parameters, in picocli's columns. */
    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
                                      ColorScheme scheme) {
        TextTable picocli = super.createDefaultLayout(options, positionals, scheme).textTable();
        return new Layout(scheme, new Table(scheme, picocli.columns()), createDefaultOptionRenderer(),
                createDefaultParameterRenderer());
    }

    /** The exit codes, in the columns of picocli's table for them. */
    @Override
    public TextTable createTextTable(Map<?, ?> map) {
        TextTable picocli = super.createTextTable(map);
        TextTable table = new Table(colorScheme(), picocli.columns());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            table.addRowValues(format(String.valueOf(entry.getKey())), format(String.valueOf(entry.getValue())));
        }
        return table;
    }

    /** The verbs, each with the first line of its description, in picocli's columns. */
    @Override
    public String commandList(Map<String, Help> verbs) {
        if (verbs.isEmpty()) {
            return "";
        }
        int nameWidth = Math.min(verbs.keySet().stream().mapToInt(String::length).max().orElse(0), width() / 2) + 2;
        TextTable table = new Table(colorScheme(), new Column(nameWidth, 2, Overflow.SPAN),
                new Column(width() - nameWidth, 2, Overflow.WRAP));
        for (Help verb : verbs.values()) {
            UsageMessageSpec usage = verb.commandSpec().usageMessage();
            String[] summary = usage.header().length > 0 ? usage.header() : usage.description();
            Text[] lines = colorScheme().text(summary.length > 0 ? format(summary[0]) : "").splitLines();
            for (int i = 0; i < lines.length; i++) {
                table.addRowValues(i == 0 ? verb.commandNamesText(", ") : Help.Ansi.OFF.new Text(""), lines[i]);
            }
        }
        return table.toString();
    }

    private int width() {
        return commandSpec().usageMessage().width();
    }

    /** As picocli formats a help line: %n is a line break; a line that is no format string is kept as it is. */
    private static String format(String line, Object... params) {
        try {
            return line == null ? "" : String.format(line, params);
        } catch (IllegalFormatException e) {
            return line;
        }
    }

    /**
     * Picocli's TextTable, except that a value in a column that wraps is broken at spaces only. Words are fitted as
     * picocli fits them (a word with the spaces after it), so text with nothing to break inside wraps as before. A
     * word longer than the whole column (a URL in a terminal of 60 columns) gets a line of its own and runs past the
     * column's end, where picocli would cut it: the terminal then folds the line, and copying it still gives the word
     * whole.
     */
    private static final class Table extends TextTable {

        Table(ColorScheme colorScheme, Column... columns) {
            super(colorScheme, columns);
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            if (column.overflow != Overflow.WRAP || value == null || value.plainString().isEmpty()) {
                return super.putValue(row, col, value);
            }
            // A copy that starts at its own index 0, which is where getStyledChars counts from.
            Text text = Help.Ansi.OFF.new Text("").concat(value);
            String plain = text.plainString();
            int indent = column.indent;
            int start = 0;
            while (true) {
                int end = lineEnd(plain, start, column.width - indent);
                text.getStyledChars(start, end - start, textAt(row, col), indent);
                start = end;
                while (start < plain.length() && plain.charAt(start) == ' ') {
                    start++;
                }
                if (start == plain.length()) {
                    return new Cell(col, row);
                }
                addEmptyRow();
                row++;
                indent = column.indent + indentWrappedLines;
            }
        }

        /**
         * Where the line of {@code text} that starts at {@code start} ends: after the last word that fits in
         * {@code room} with the spaces after it; after the first word (and the spaces before it) if none fits.
         */
        private static int lineEnd(String text, int start, int room) {
            int end = start;
            int next = start;
            while (next < text.length()) {
                int wordEnd = text.indexOf(' ', next);
                wordEnd = wordEnd < 0 ? text.length() : wordEnd;
                int spacesEnd = wordEnd;
                while (spacesEnd < text.length() && text.charAt(spacesEnd) == ' ') {
                    spacesEnd++;
                }
                if (end > start && spacesEnd - start > room) {
                    break;
                }
                end = wordEnd;
                next = spacesEnd;
            }
            return end;
        }

        /** As picocli's, but a line whose word ran past its column's end is not padded (picocli would fail). */
        @Override
        public StringBuilder toString(StringBuilder text) {
            Column[] columns = columns();
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < columnValues.size(); i++) {
                Text cell = columnValues.get(i);
                row.append(cell).append(" ".repeat(Math.max(0, columns[i % columns.length].width
                        - cell.plainString().length())));
                if (i % columns.length == columns.length - 1) {
                    text.append(row.toString().stripTrailing()).append(System.lineSeparator());
                    row.setLength(0);
                }
            }
            return text;
        }
    }
}
