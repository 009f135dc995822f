package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.NdArray;
import java.util.HashMap;
import java.util.Map;

/**
 * Record ids of arrays, by identity, holding the arrays weakly: a recording of many steps must not keep every array
 * it made reachable until it ends (their Java objects outweigh the record many times over).
 */
final class WeakIds {
    private final Map<Key, Integer> map = new HashMap<>();
    private final java.lang.ref.ReferenceQueue<NdArray> cleared = new java.lang.ref.ReferenceQueue<>();

    private static final class Key extends java.lang.ref.WeakReference<NdArray> {
        private final int hash;

        Key(NdArray a, java.lang.ref.ReferenceQueue<NdArray> queue) {
            super(a, queue);
            hash = System.identityHashCode(a);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            NdArray a = get();
            return o instanceof Key k && a != null && a == k.get();
        }
    }

    Integer get(NdArray a) {
        purge();
        return map.get(new Key(a, null));
    }

    void put(NdArray a, int id) {
        purge();
        map.put(new Key(a, cleared), id);
    }

    private void purge() {
        for (java.lang.ref.Reference<?> r = cleared.poll(); r != null; r = cleared.poll()) {
            map.remove(r);
        }
    }
}
