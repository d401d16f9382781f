package dev.kelpie.broker.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** A plain TCP connection to the broker that sends nothing. */
final class RawConnection implements AutoCloseable {
    private final Socket socket;

    private RawConnection(Socket socket) {
        this.socket = socket;
    }

    static RawConnection open(int port) throws IOException {
        return new RawConnection(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
