package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.NdArray;

/** A backend array shared by one or more tensors (see {@code detach}); freed when the last holder releases it. */
final class Buffer {
    private final NdArray array;
    private final MemoryAccount account;
    private final long bytes;
    private int holders = 1;

    Buffer(NdArray array, MemoryAccount account) {
        this.array = array;
        this.account = account;
        this.bytes = array.byteSize();
        account.arrayAllocated(bytes);
    }

    NdArray array() {
        return array;
    }

    synchronized Buffer retain() {
        if (holders == 0) {
            throw new IllegalStateException("Buffer already freed");
        }
        holders++;
        return this;
    }

    synchronized void release() {
        if (--holders == 0) {
            array.close();
            account.arrayFreed(bytes);
        }
    }
}
