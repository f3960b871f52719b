package org.greenhub.http;

/** A request the server refuses: the status it answers with (and then closes the connection). */
final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;

    HttpError(int status, String reason) {
        super(reason, null, false, false); // thrown for bad input: no stack trace to fill
        this.status = status;
    }
}
