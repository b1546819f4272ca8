package dev.retort.bench;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The bench's two pictures, as PNG files (XChart):
 * <ul>
 *   <li>{@value #QUERIES}: each query's median latency before, after and with 007, beside the seed's figures, as
 *       bars on a logarithmic scale (the values span four orders of magnitude);</li>
 *   <li>{@value #WRITERS}: the writers' latency second by second (p50, p99, max, log scale), plain above and
 *       online below, each revision's start marked by a vertical line and its id, the migration's end too.</li>
 * </ul>
 */
public final class Charts {

    public static final String QUERIES = "queries.png";
    public static final String WRITERS = "writers.png";

    private static final int WIDTH = 1200;
    /** The seed's figures in pale tones, the measured ones in full: red before, green after, blue with 007. */
    private static final Color SEED_BEFORE = new Color(0xF2, 0xB8, 0xB0);
    private static final Color BEFORE = new Color(0xD6, 0x27, 0x28);
    private static final Color SEED_AFTER = new Color(0xB8, 0xE0, 0xB8);
    private static final Color AFTER = new Color(0x2C, 0xA0, 0x2C);
    private static final Color PROPOSED = new Color(0x1F, 0x77, 0xB4);

    private Charts() {
    }

    /** Writes both charts into {@code folder} (created if need be) and returns their paths. */
    public static List<Path> write(BenchResult result, Path folder) {
        System.setProperty("java.awt.headless", "true"); // no display needed, nor wanted, to draw into a file
        try {
            Files.createDirectories(folder);
            Path queries = folder.resolve(QUERIES);
            BitmapEncoder.saveBitmap(queries(result), queries.toString(), BitmapEncoder.BitmapFormat.PNG);
            Path writers = folder.resolve(WRITERS);
            BitmapEncoder.saveBitmap(List.of(writers(result.plain(), result), writers(result.online(), result)), 2, 1,
                    writers.toString(), BitmapEncoder.BitmapFormat.PNG);
            return List.of(queries, writers);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the charts into " + folder + ": " + e.getMessage(), e);
        }
    }

    private static CategoryChart queries(BenchResult result) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(600)
                .title(String.format(Locale.ROOT, "The seed's queries, scale %s: median latency (ms, log scale)",
                        result.options().scale().name()))
                .xAxisTitle("").yAxisTitle("ms").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setLabelsVisible(false);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        List<String> names = result.queries().stream().map(row -> row.query().title()).toList();
        double smallest = Double.MAX_VALUE;
        smallest = Math.min(smallest, series(chart, "seed: before", SEED_BEFORE, names, result,
                row -> row.query().seedBeforeMs()));
        smallest = Math.min(smallest, series(chart, "measured: before (primary keys only)", BEFORE, names, result,
                row -> row.before().p50()));
        smallest = Math.min(smallest, series(chart, "seed: after", SEED_AFTER, names, result,
                row -> row.query().seedAfterMs()));
        smallest = Math.min(smallest, series(chart, "measured: after (006)", AFTER, names, result,
                row -> row.after().p50()));
        smallest = Math.min(smallest, series(chart, "measured: with the proposed 007", PROPOSED, names, result,
                row -> row.proposed().p50()));
        // Bars start at the axis' minimum, which a log scale must be told: the power of ten below the smallest bar.
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
        return chart;
    }

    /** Adds a series of bars and returns its smallest value. */
    private static double series(CategoryChart chart, String name, Color color, List<String> names,
                                 BenchResult result, ToDoubleFunction<BenchResult.QueryRow> value) {
        // A bar of 0 has no place on a log scale; a microsecond stands for "too fast to tell".
        List<Double> values = result.queries().stream().map(row -> Math.max(0.001, value.applyAsDouble(row))).toList();
        chart.addSeries(name, names, values).setFillColor(color);
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
    }

    private static XYChart writers(MigrationUnderLoad.Report report, BenchResult result) {
        WriterReport writers = report.writersReport();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(450)
                .title(String.format(Locale.ROOT, "%s 003 -> 006 with %s: transaction latency by second "
                                + "(ms, log scale); %s in %.1f s, worst %.0f ms, %d writer errors",
                        report.mode() == MigrationUnderLoad.Mode.PLAIN ? "Plain DDL" : "Retort online",
                        report.writersDescribed(), report.outcome(), report.duration().toNanos() / 1e9,
                        writers.during().max(), writers.errorsDuringCount()))
                .xAxisTitle("seconds from the migration's start").yAxisTitle("ms").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setXAxisDecimalPattern("#0");
        List<WriterReport.Second> seconds = writers.seconds();
        if (seconds.isEmpty()) {
            chart.addSeries("no transactions", new double[] {0}, new double[] {1});
            return chart;
        }
        line(chart, "max", seconds, WriterReport.Second::max);
        line(chart, "p99", seconds, WriterReport.Second::p99);
        line(chart, "p50", seconds, WriterReport.Second::p50);
        double top = Math.max(1, seconds.stream().mapToDouble(WriterReport.Second::max).max().orElse(1));
        // The same vertical range for plain and online, so that the two panels compare at a glance.
        double highest = Math.max(top, highestMax(result));
        chart.getStyler().setYAxisMax(highest * 2);
        chart.getStyler().setYAxisMin(0.1);
        chart.getStyler().setXAxisMin((double) seconds.get(0).second());
        chart.getStyler().setXAxisMax((double) seconds.get(seconds.size() - 1).second() + 1);
        List<MigrationUnderLoad.RevisionRun> runs = report.revisions();
        for (int i = 0; i <= runs.size(); i++) {
            double at = i < runs.size() ? runs.get(i).startSeconds() : report.duration().toNanos() / 1e9;
            String label = i < runs.size() ? runs.get(i).revision() + (runs.get(i).succeeded() ? "" : " failed")
                    : "end";
            chart.addAnnotation(new AnnotationLine(at, true, false));
            // Revisions that start within a second of each other would print over each other: staggered heights.
            chart.addAnnotation(new AnnotationText(label, at, highest * 1.3 / Math.pow(3, i % 3), false));
        }
        return chart;
    }

    private static double highestMax(BenchResult result) {
        return java.util.stream.Stream.of(result.plain(), result.online())
                .flatMap(report -> report.writersReport().seconds().stream())
                .mapToDouble(WriterReport.Second::max).max().orElse(1);
    }

    private static void line(XYChart chart, String name, List<WriterReport.Second> seconds,
                             ToDoubleFunction<WriterReport.Second> value) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (WriterReport.Second second : seconds) {
            x.add(second.second() + 0.5); // the middle of the second it stands for
            y.add(Math.max(0.001, value.applyAsDouble(second)));
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
    }
}
