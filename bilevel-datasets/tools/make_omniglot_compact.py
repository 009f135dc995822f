#!/usr/bin/env python3
"""Builds the embedded Omniglot copy shipped in bilevel-datasets.

Usage: make_omniglot_compact.py [--bits 4] OMNIGLOT_DIR OUT_DIR

OMNIGLOT_DIR holds the official images_background.zip and images_evaluation.zip
(images_background/<Alphabet>/<characterNN>/<CCCC_DD>.png, 105x105 one-bit PNGs). Writes OUT_DIR/omniglot28.bin.gz
(the compact format of docs/FORMATS.md) and copies OMNIGLOT_DIR/LICENSE-omniglot-MIT.txt next to it when present.
Pure Python (zipfile, zlib, gzip); no Pillow or numpy needed.

Every drawing goes through exactly the steps of io.github.bilevel.data.omniglot.Omniglot.load followed by
quantized(bits), in integers:
  1. ink = 1 where the PNG sample is 0 (black);
  2. area averaging onto 28x28: output pixel (j, k) covers source rows and columns [3.75 j, 3.75 (j+1)); with
     overlaps counted in 1/28 of a source pixel per axis, s = sum of w_row * w_col * ink is in 0..11025 (= 105*105);
  3. 8-bit grey: code = round(255 s / 11025), half up;
  4. quantization: level = round(code (2^bits - 1) / 255), half up.
Characters are ordered images_background first, then by the official id in the file names (CCCC), drawings by file
name. The output is gzip level 9 with mtime 0, so it is reproducible for a given zlib.
Prints the size and how much the quantization changes the images (mean absolute difference against the exact
area-averaged grey image s / 11025).
"""
import argparse
import gzip
import shutil
import struct
import sys
import zipfile
import zlib
from pathlib import Path

SRC = 105
SIDE = 28
AREA = SRC * SRC
PARTS = ("images_background", "images_evaluation")


def weights(n, side):
    """For each output index j: [(input index, overlap in 1/side input pixels)], as Pixels.weights in Java."""
    out = []
    for j in range(side):
        lo, hi = j * n, (j + 1) * n
        out.append([(i, min(hi, side * (i + 1)) - max(lo, side * i)) for i in range(lo // side, (hi - 1) // side + 1)])
    return out


WX = weights(SRC, SIDE)
ROW_BYTES = (SRC + 7) // 8
# horizontal pass as table look-ups: for byte b of a row (inverted, 1 = ink) the 28 horizontal sums packed into one
# integer, 16 bits per output column (sums stay below 2**14)
PACKED = [0] * SRC
for k, ws in enumerate(WX):
    for i, w in ws:
        PACKED[i] += w << (16 * k)
TABLE = []
for b in range(ROW_BYTES):
    t = [0] * 256
    for v in range(256):
        s = 0
        for bit in range(8):
            px = 8 * b + bit
            if px < SRC and v & (0x80 >> bit):
                s += PACKED[px]
        t[v] = s
    TABLE.append(t)


def png_rows(data, name):
    """The unfiltered rows of a non-interlaced 105x105 one-bit greyscale PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{name}: not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]:
            raise ValueError(f"{name}: bad CRC in {kind}")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header != (SRC, SRC, 1, 0, 0, 0, 0):
        raise ValueError(f"{name}: expected a {SRC}x{SRC} one-bit grey non-interlaced PNG, IHDR {header}")
    raw = zlib.decompress(b"".join(idat))
    stride = ROW_BYTES + 1
    if len(raw) != SRC * stride:
        raise ValueError(f"{name}: {len(raw)} bytes of image data, expected {SRC * stride}")
    rows, prev = [], bytes(ROW_BYTES)
    for y in range(SRC):
        f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        if f == 1:
            for x in range(1, ROW_BYTES):
                line[x] = (line[x] + line[x - 1]) & 0xFF
        elif f == 2:
            for x in range(ROW_BYTES):
                line[x] = (line[x] + prev[x]) & 0xFF
        elif f == 3:
            for x in range(ROW_BYTES):
                line[x] = (line[x] + ((line[x - 1] if x else 0) + prev[x]) // 2) & 0xFF
        elif f == 4:
            for x in range(ROW_BYTES):
                a, b, c = (line[x - 1] if x else 0), prev[x], (prev[x - 1] if x else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        elif f != 0:
            raise ValueError(f"{name}: unknown PNG filter {f}")
        rows.append(bytes(line))
        prev = line
    return rows


def area_sums(rows):
    """The 28x28 sums s (0..11025) of one drawing, row-major."""
    horizontal = []
    for row in rows:
        h = 0
        for b, v in enumerate(row):
            if v != 0xFF:
                h += TABLE[b][v ^ 0xFF]
        horizontal.append(h)
    out = []
    for ws in WX:
        v = 0
        for i, w in ws:
            if horizontal[i]:
                v += w * horizontal[i]
        out.extend(struct.unpack("<28H", v.to_bytes(2 * SIDE, "little")))
    return out


def read_part(path, part):
    characters = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            s = name.split("/")
            if len(s) != 4 or s[0] != part or not s[1] or not s[2] or s[3].startswith(".") \
                    or not s[3].lower().endswith(".png"):
                continue
            characters.setdefault((s[1], s[2]), {})[s[3]] = area_sums(png_rows(z.read(name), f"{path}!{name}"))

    def key(item):
        (alphabet, character), files = item
        ids = [int(f.split("_")[0]) for f in files if 0 < f.find("_") <= 9 and f.split("_")[0].isdigit()
               and f.split("_")[0].isascii()]
        return (min(ids) if ids else 1 << 62, alphabet, character)

    return sorted(characters.items(), key=key)


def string(s):
    b = s.encode("utf-8")
    return struct.pack(">H", len(b)) + b


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bits", type=int, default=4, choices=(1, 2, 4, 8))
    parser.add_argument("omniglot_dir")
    parser.add_argument("out_dir")
    args = parser.parse_args()
    src, out = Path(args.omniglot_dir), Path(args.out_dir)
    bits, top = args.bits, (1 << args.bits) - 1
    level = [(2 * top * ((2 * 255 * s + AREA) // (2 * AREA)) + 255) // 510 for s in range(AREA + 1)]

    alphabets, pixels = [], bytearray()
    background_alphabets = 0
    images = 0
    abs_diff = max_diff = ink = ink_quantized = 0.0
    histogram = [0] * (top + 1)
    for part in PARTS:
        seen = []
        for (alphabet, character), files in read_part(src / f"{part}.zip", part):
            if not seen or seen[-1] != alphabet:
                if alphabet in seen:
                    sys.exit(f"alphabet {alphabet} is not contiguous in the character order")
                seen.append(alphabet)
                alphabets.append([alphabet, []])
            if len(files) > 255:
                sys.exit(f"{alphabet}/{character}: more than 255 drawings")
            alphabets[-1][1].append((character, len(files)))
            for f in sorted(files):
                sums = files[f]
                levels = [level[s] for s in sums]
                images += 1
                for s, q in zip(sums, levels):
                    diff = abs(q / top - s / AREA)
                    abs_diff += diff
                    max_diff = max(max_diff, diff)
                    ink += s / AREA
                    ink_quantized += q / top
                    histogram[q] += 1
                per = 8 // bits
                for p in range(0, SIDE * SIDE, per):
                    byte = 0
                    for t in range(per):
                        byte |= levels[p + t] << (8 - bits * (t + 1))
                    pixels.append(byte)
        if part == PARTS[0]:
            background_alphabets = len(alphabets)

    header = bytearray(b"OMNIGLOT")
    header += struct.pack(">BBHHH", 1, bits, SIDE, len(alphabets), background_alphabets)
    for alphabet, characters in alphabets:
        header += string(alphabet) + struct.pack(">H", len(characters))
        for character, drawings in characters:
            header += string(character) + struct.pack(">B", drawings)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "omniglot28.bin.gz"
    target.write_bytes(gzip.compress(bytes(header + pixels), compresslevel=9, mtime=0))
    licence = src / "LICENSE-omniglot-MIT.txt"
    if licence.is_file():
        shutil.copyfile(licence, out / licence.name)
    n = images * SIDE * SIDE
    characters = sum(len(c) for _, c in alphabets)
    print(f"{target}: {target.stat().st_size} bytes; {len(alphabets)} alphabets ({background_alphabets} background), "
          f"{characters} characters, {images} drawings, {bits} bits per pixel")
    print(f"mean ink: area-averaged {ink / n:.5f}, quantized {ink_quantized / n:.5f}; "
          f"difference quantized vs area-averaged: mean absolute {abs_diff / n:.5f}, largest {max_diff:.5f}")
    if top <= 15:
        print("share of pixels per level:", " ".join(f"{i}:{h / n:.4f}" for i, h in enumerate(histogram)))


if __name__ == "__main__":
    main()
