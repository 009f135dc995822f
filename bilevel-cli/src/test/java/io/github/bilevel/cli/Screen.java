package io.github.bilevel.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines a terminal shows after receiving some bytes, for the control sequences a program like this one sends:
 * {@code \r} (back to column 0), {@code \n} (next line), ESC[2K (erase the line), ESC[K or ESC[0K (erase to the end of
 * the line). Any other escape sequence fails the test, as does a line longer than {@code width} (it would wrap, and
 * erasing the line would not erase its first part).
 */
final class Screen {
    private Screen() {
    }

    static List<String> of(String bytes, int width) {
        List<StringBuilder> lines = new ArrayList<>();
        lines.add(new StringBuilder());
        int col = 0;
        for (int i = 0; i < bytes.length(); i++) {
            char c = bytes.charAt(i);
            StringBuilder line = lines.get(lines.size() - 1);
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                lines.add(new StringBuilder());
                col = 0;
            } else if (c == '\033') {
                int end = i + 1;
                if (end >= bytes.length() || bytes.charAt(end) != '[') {
                    throw new AssertionError("unexpected escape at " + i + ": " + context(bytes, i));
                }
                end++;
                while (end < bytes.length() && (Character.isDigit(bytes.charAt(end)) || bytes.charAt(end) == ';')) {
                    end++;
                }
                String seq = bytes.substring(i + 2, Math.min(end + 1, bytes.length()));
                switch (seq) {
                    case "2K" -> line.setLength(0);
                    case "K", "0K" -> line.setLength(Math.min(col, line.length()));
                    default -> throw new AssertionError("unexpected escape ESC[" + seq + ": " + context(bytes, i));
                }
                i = end;
            } else {
                while (line.length() < col) {
                    line.append(' ');
                }
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
                if (col > width) {
                    throw new AssertionError("a line wider than " + width + " columns: " + line);
                }
            }
        }
        List<String> out = new ArrayList<>();
        lines.forEach(l -> out.add(l.toString().stripTrailing()));
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static String context(String s, int i) {
        return s.substring(Math.max(0, i - 40), Math.min(s.length(), i + 40)).replace("\033", "ESC")
                .replace("\r", "\\r");
    }
}
