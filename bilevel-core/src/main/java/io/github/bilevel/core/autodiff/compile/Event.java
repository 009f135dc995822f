package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph.Signature;

/** One entry of a region's record. */
sealed interface Event permits Event.Feed, Event.Capture, Event.Invoke, Event.Read, Event.Boundary {

    /** The record id of the array this event is about, or -1. */
    int id();

    /** An array made from Java values inside the region: an input of the graph, fed anew on every run. */
    record Feed(int id, Signature signature, boolean floats) implements Event {
    }

    /** The first use of an array made outside the region: an input of the graph. */
    record Capture(int id, Signature signature) implements Event {
    }

    /** A kernel call: what it computes, and the ids of its arguments. */
    record Invoke(int id, Template template, int[] args) implements Event {
    }

    /**
     * A kernel call without its arguments: the kernel and its attributes, and its result's shape and type. The steps
     * of a loop make the same few calls over and over, so a recording shares one template per distinct call
     * ({@link Recorder}) and stores only ids per call: a region of many steps holds a few dozen bytes per kernel call
     * instead of a few hundred. Equal by content.
     */
    record Template(KernelAttributes attributes, Signature result) {
    }

    /** A read back to Java of the array with this id. */
    record Read(int id) implements Event {
    }

    /** The end of one repetition of a loop ({@link io.github.bilevel.api.tensor.Ops#stepBoundary}): a segment ends. */
    record Boundary() implements Event {
        static final Boundary INSTANCE = new Boundary();

        @Override
        public int id() {
            return -1;
        }
    }
}
