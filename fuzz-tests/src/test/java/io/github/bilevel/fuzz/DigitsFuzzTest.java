package io.github.bilevel.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.bilevel.data.LabeledImages;
import io.github.bilevel.data.digits.Digits;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the UCI digits CSV reader: it either rejects the input with a
 * {@link io.github.bilevel.data.DataFormatException} naming the file or returns 8×8 images with pixels in [0, 1] and
 * labels 0..9; anything else is a finding.
 */
class DigitsFuzzTest {

    @Timeout(10)
    // (Jazzer writes whitespace unescaped into the dictionary file, so line breaks cannot be entries)
    @DictionaryEntries({",", ",16", ",0", ",9", "-", "+", "00"})
    @FuzzTest
    void read(byte[] data) throws IOException {
        Optional<LabeledImages> read = Readers.read(data, "digits.csv", Digits::read);
        read.ifPresent(images -> {
            assertEquals(8, images.height());
            assertEquals(8, images.width());
            assertEquals(10, images.classes());
            assertTrue(images.count() > 0, "no examples accepted");
            assertEquals((long) images.count() * 64, images.pixels().length);
            for (float p : images.pixels()) {
                assertTrue(p >= 0f && p <= 1f, "pixel " + p);
            }
            for (int label : images.labels()) {
                assertTrue(label >= 0 && label <= 9, "label " + label);
            }
        });
    }
}
