package org.greenhub.hub;

/** The direction a green thread waits for. */
public enum Interest {
    READ(Poller.READ), WRITE(Poller.WRITE);

    final int bit;

    Interest(int bit) {
        this.bit = bit;
    }
}
