package dev.kelpie.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.protocol.KafkaWire;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/** A blocking raw-socket Kafka client for bad-input tests. */
final class RawClient implements AutoCloseable {
    static final int READ_TIMEOUT_MS = 10_000;

    final Socket socket;
    private final DataInputStream in;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    static RawClient connect(int port) {
        return connect(port, 0);
    }

    /** @param receiveBufferBytes 0 for the OS default */
    static RawClient connect(int port, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the chunks in one write. */
    void send(byte[]... chunks) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            all.writeBytes(chunk);
        }
        try {
            socket.getOutputStream().write(all.toByteArray());
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One response frame without its size prefix. */
    ByteBuffer readFrame() {
        try {
            int size = in.readInt();
            byte[] payload = new byte[size];
            in.readFully(payload);
            return ByteBuffer.wrap(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    KafkaWire.Response read(ApiKeys key, short version) {
        return KafkaWire.response(readFrame(), key, version);
    }

    /** Asserts the server closes the connection (EOF or reset) before the read timeout, sending nothing. */
    void assertClosedByServer() {
        try {
            int next = in.read();
            assertThat(next).as("server sent a byte instead of closing").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection within " + READ_TIMEOUT_MS + " ms", e);
        } catch (EOFException | SocketException e) {
            // closed with a reset: also a close
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A full ApiVersions v3 exchange; asserts success. */
    ApiVersionsResponse apiVersions(int correlationId) {
        send(KafkaWire.request(ApiKeys.API_VERSIONS, (short) 3, correlationId, new ApiVersionsRequestData()
                .setClientSoftwareName("kelpie-raw").setClientSoftwareVersion("1.0")));
        KafkaWire.Response response = read(ApiKeys.API_VERSIONS, (short) 3);
        assertThat(response.correlationId()).isEqualTo(correlationId);
        ApiVersionsResponse body = (ApiVersionsResponse) response.body();
        assertThat(body.data().errorCode()).isEqualTo(Errors.NONE.code());
        return body;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
