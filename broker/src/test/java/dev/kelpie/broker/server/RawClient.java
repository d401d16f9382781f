package dev.kelpie.broker.server;

import dev.kelpie.broker.protocol.KafkaWire;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * A blocking one-request-at-a-time Kafka client over a plain socket: requests encoded and responses decoded
 * at an exact version with kafka-clients' own classes ({@link KafkaWire}), so tests pin each API's lowest and
 * highest version, flexible and not, by name and by id.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    RawClient(int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code body} as {@code key} v{@code version} and returns the decoded response. */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R send(ApiKeys key, int version, ApiMessage body) {
        short v = (short) version;
        int id = ++correlationId;
        try {
            out.write(KafkaWire.request(key, v, id, body));
            out.flush();
            int size = in.readInt();
            byte[] payload = new byte[size];
            in.readFully(payload);
            KafkaWire.Response response = KafkaWire.response(ByteBuffer.wrap(payload), key, v);
            if (response.correlationId() != id) {
                throw new IllegalStateException("correlation id " + response.correlationId() + " != " + id);
            }
            return (R) response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends without reading a response (Produce acks=0). */
    void sendOnly(ApiKeys key, int version, ApiMessage body) {
        try {
            out.write(KafkaWire.request(key, (short) version, ++correlationId, body));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the broker closes the connection (end of stream) before sending anything more. */
    boolean awaitClosed() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
