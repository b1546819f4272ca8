package dev.retort.bench;

import org.postgresql.ds.PGSimpleDataSource;

import java.net.URI;
import java.nio.file.Path;

/**
 * Runs {@link CliBench} by hand until {@code retort bench --cli} does:
 * <pre>
 * mvn -q -DskipTests package test-compile
 * java -cp 'target/test-classes:target/classes:target/lib/*' dev.retort.bench.CliBenchRunner \
 *     postgresql://postgres@127.0.0.1:5432/scratch [RUNS] [WARMUPS]
 * </pre>
 * The database must be a scratch one (every round migrates it up and down); the URL is the
 * {@code postgresql://user[:password]@host[:port]/database} form, which psql reads too.
 */
public final class CliBenchRunner {

    private CliBenchRunner() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: CliBenchRunner postgresql://user@host:port/scratch [runs] [warmups]");
            System.exit(2);
        }
        String url = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : CliBench.DEFAULT_RUNS;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : CliBench.DEFAULT_WARMUPS;
        CliBenchResult result = new CliBench(Path.of("retort"), url, dataSource(URI.create(url)))
                .withRuns(runs, warmups).run();
        System.out.print(result.markdown());
        result.rows().forEach(row -> System.out.println(row.command() + ": " + row.millis()));
    }

    private static PGSimpleDataSource dataSource(URI url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {url.getHost()});
        dataSource.setPortNumbers(new int[] {url.getPort() < 0 ? 5432 : url.getPort()});
        dataSource.setDatabaseName(url.getPath().substring(1));
        String userInfo = url.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            dataSource.setUser(colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0) {
                dataSource.setPassword(userInfo.substring(colon + 1));
            }
        }
        return dataSource;
    }
}
