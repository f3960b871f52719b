package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A TCP socket on its way to being connected. */
interface ConnectingIo extends StreamIo {
    /** Starts a connect: true when already connected, false when WRITE readiness must be awaited. */
    boolean startConnect(InetSocketAddress to) throws IOException;

    /** Completes a pending connect after WRITE readiness; throws its error (ConnectException...). */
    void finishConnect(InetSocketAddress to) throws IOException;
}
