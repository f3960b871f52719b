package org.greenhub.internal.hub;

import java.util.Arrays;

/**
 * Maps small int tokens (what the kernel carries for a registration) to objects,
 * reusing freed tokens (LIFO free list). Single-threaded (the hub's thread).
 * Tokens freed while {@link #beginBatch() a batch} is open are reused only after
 * {@link #endBatch()}, so events of that batch never reach a newer owner.
 */
public final class TokenTable<T> {
    private Object[] items = new Object[64];
    private int[] free = new int[64];
    private int freeCount;
    private int next;           // tokens below next have been handed out at least once
    private int[] deferred = new int[16];
    private int deferredCount;
    private boolean batch;
    private int live;

    /** A token for {@code item}. */
    public int add(T item) {
        int t;
        if (freeCount > 0) {
            t = free[--freeCount];
        } else {
            t = next++;
            if (t == items.length) {
                items = Arrays.copyOf(items, t * 2);
            }
        }
        items[t] = item;
        live++;
        return t;
    }

    /** Calls {@code action} with every item in the table. */
    public void forEach(java.util.function.Consumer<? super T> action) {
        for (int t = 0; t < next; t++) {
            @SuppressWarnings("unchecked")
            T item = (T) items[t];
            if (item != null) {
                action.accept(item);
            }
        }
    }

    /** The item of {@code token}, or null when freed or unknown. */
    @SuppressWarnings("unchecked")
    public T get(int token) {
        return token >= 0 && token < next ? (T) items[token] : null;
    }

    /** Frees {@code token} (no-op when not in use). */
    public void remove(int token) {
        if (token < 0 || token >= next || items[token] == null) {
            return;
        }
        items[token] = null;
        live--;
        if (batch) {
            if (deferredCount == deferred.length) {
                deferred = Arrays.copyOf(deferred, deferredCount * 2);
            }
            deferred[deferredCount++] = token;
        } else {
            pushFree(token);
        }
    }

    public void beginBatch() {
        batch = true;
    }

    public void endBatch() {
        batch = false;
        for (int i = 0; i < deferredCount; i++) {
            pushFree(deferred[i]);
        }
        deferredCount = 0;
    }

    /** Tokens in use. */
    public int size() {
        return live;
    }

    /** How many distinct tokens were ever handed out (the table's high-water mark). */
    public int capacityUsed() {
        return next;
    }

    private void pushFree(int token) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = token;
    }
}
