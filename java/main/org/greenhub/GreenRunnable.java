package org.greenhub;

/** A green thread's body that returns nothing; it may throw checked exceptions. */
@FunctionalInterface
public interface GreenRunnable {
    void run() throws Exception;
}
