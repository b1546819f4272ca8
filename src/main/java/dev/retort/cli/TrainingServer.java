package dev.retort.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The server {@link ArchiveTraining} points the verbs at: on the loopback, it asks each connection for a password
 * the way PostgreSQL does (SCRAM-SHA-256), lets the client compute its proof, then refuses it. So pgjdbc goes
 * through the whole of a password authentication, its Unicode normalisation, HMACs and PBKDF2, the work a server
 * with passwords (PostgreSQL's default since 14) costs every command, and the classes that work needs go into the
 * archive. Nothing is ever accepted and nothing is stored; a client that says anything unexpected is hung up on.
 */
final class TrainingServer implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_ENCRYPTION_REQUEST = 80877104;
    private static final int SASL = 10;
    private static final int SASL_CONTINUE = 11;
    private static final int TIMEOUT_MILLIS = 5_000;

    private final ServerSocket server;

    TrainingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::serve, "retort-training-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A URL of this server, with a user and a password, so that pgjdbc answers the password request. */
    String url() {
        return "postgresql://retort:training@127.0.0.1:" + server.getLocalPort() + "/retort_training";
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket connection = server.accept()) {
                connection.setSoTimeout(TIMEOUT_MILLIS);
                refusePassword(new DataInputStream(connection.getInputStream()),
                        new DataOutputStream(connection.getOutputStream()));
            } catch (IOException | RuntimeException hungUp) {
                // the client gave up, or said something unexpected; or the server socket closed: training is over
            }
        }
    }

    /** Startup (after refusing encryption), a SCRAM exchange up to the client's proof, then an authentication error. */
    private static void refusePassword(DataInputStream in, DataOutputStream out) throws IOException {
        byte[] startup = readStartup(in);
        while (code(startup) == SSL_REQUEST || code(startup) == GSS_ENCRYPTION_REQUEST) {
            out.writeByte('N');
            out.flush();
            startup = readStartup(in);
        }
        send(out, 'R', concat(intBytes(SASL), text("SCRAM-SHA-256"), new byte[] {0}));
        String clientFirst = saslMessage(in);
        String clientNonce = clientFirst.substring(clientFirst.indexOf("r=") + 2).split(",", 2)[0];
        String serverFirst = "r=" + clientNonce + "retorttraining,s="
                + Base64.getEncoder().encodeToString("retort-training-salt".getBytes(StandardCharsets.US_ASCII))
                + ",i=4096";
        send(out, 'R', concat(intBytes(SASL_CONTINUE), serverFirst.getBytes(StandardCharsets.US_ASCII)));
        saslMessage(in); // the client's final message, with its proof
        send(out, 'E', concat(text("SFATAL"), text("VFATAL"), text("C28P01"),
                text("Mthis is Retort's training server: it accepts no password"), new byte[] {0}));
    }

    private static byte[] readStartup(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 8 || length > 10_000) {
            throw new IOException("not a startup message");
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return body;
    }

    private static int code(byte[] startup) {
        return ((startup[0] & 0xff) << 24) | ((startup[1] & 0xff) << 16) | ((startup[2] & 0xff) << 8)
                | (startup[3] & 0xff);
    }

    /** The SCRAM text of a SASLInitialResponse or SASLResponse ('p'); the initial one names its mechanism first. */
    private static String saslMessage(DataInputStream in) throws IOException {
        if (in.readByte() != 'p') {
            throw new IOException("not a SASL response");
        }
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        String message = new String(body, StandardCharsets.UTF_8);
        int scram = message.indexOf("n,,");
        return scram >= 0 ? message.substring(scram) : message;
    }

    private static void send(DataOutputStream out, char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    private static byte[] text(String value) {
        return concat(value.getBytes(StandardCharsets.UTF_8), new byte[] {0});
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
