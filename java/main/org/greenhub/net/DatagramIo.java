package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A UDP socket. */
interface DatagramIo extends SocketIo {
    /** A datagram's sender (the data goes to {@code dst}), or null when none is queued. */
    InetSocketAddress receive(ByteBuffer dst) throws IOException;

    /** Bytes sent as one datagram; 0 when it would block. */
    int send(ByteBuffer src, InetSocketAddress to) throws IOException;
}
