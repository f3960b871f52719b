package org.greenhub.internal.hub;

import java.util.Arrays;

/**
 * Binary min-heap of timers that knows each timer's index, so a cancelled timer
 * is removed in O(log n) instead of piling up until its deadline. Hub thread only.
 */
final class TimerHeap {
    private HubTimer[] heap = new HubTimer[64];
    private int size;

    int size() {
        return size;
    }

    HubTimer peek() {
        return size == 0 ? null : heap[0];
    }

    void add(HubTimer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.heapIndex = size;
        siftUp(size++);
    }

    /** Removes the earliest timer. */
    HubTimer poll() {
        HubTimer first = heap[0];
        removeAt(0);
        return first;
    }

    /** Removes {@code t} when it is still in this heap. */
    void remove(HubTimer t) {
        int i = t.heapIndex;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    private void removeAt(int i) {
        HubTimer removed = heap[i];
        removed.heapIndex = -1;
        HubTimer last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            if (heap[i] == last) {
                siftUp(i);
            }
        }
        if (heap.length > 256 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }

    private void siftUp(int i) {
        HubTimer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            HubTimer p = heap[parent];
            if (!t.before(p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        HubTimer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].before(heap[child])) {
                child = right;
            }
            if (!heap[child].before(t)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
