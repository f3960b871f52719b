package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A connected stream: TCP, or TLS over TCP. */
interface StreamIo extends SocketIo {
    /** Bytes read (> 0), 0 when it would block, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Bytes written; 0 when it would block. */
    int write(ByteBuffer src) throws IOException;

    /**
     * Ends the output direction (the peer reads end of stream); false when it cannot
     * finish yet (TLS: its close_notify is not on the wire): call again after WRITE readiness.
     */
    boolean shutdownOutput() throws IOException;

    InetSocketAddress remoteAddress() throws IOException;
}
