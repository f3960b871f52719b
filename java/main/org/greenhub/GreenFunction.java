package org.greenhub;

/** A function a pool maps over its inputs; it may throw checked exceptions. */
@FunctionalInterface
public interface GreenFunction<A, R> {
    R apply(A arg) throws Exception;
}
