package org.greenhub.net;

import java.io.IOException;

/** A listening TCP socket. */
interface ListenerIo extends SocketIo {
    /** An accepted connection, or null when none is pending. */
    StreamIo accept() throws IOException;
}
