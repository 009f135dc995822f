#!/usr/bin/env python3
"""Builds the embedded MNIST copy shipped in bilevel-datasets.

Usage: make_mnist_subset.py MNIST_DIR OUT_DIR

MNIST_DIR holds the four official files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz). The test files are copied unchanged; from the 60,000 training
examples, 10,000 are drawn without replacement with Python's random.Random(20181) and written in ascending index order
as train10k-images-idx3-ubyte.gz / train10k-labels-idx1-ubyte.gz (gzip level 9, mtime 0, so the output is
reproducible).
"""
import gzip
import random
import shutil
import struct
import sys
from pathlib import Path


def read(path):
    with gzip.open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(data)


def main(src, out):
    src, out = Path(src), Path(out)
    images = read(src / "train-images-idx3-ubyte.gz")
    labels = read(src / "train-labels-idx1-ubyte.gz")
    magic, n, rows, cols = struct.unpack(">IIII", images[:16])
    assert magic == 2051 and n == 60000, (magic, n)
    assert struct.unpack(">II", labels[:8]) == (2049, 60000)
    picked = sorted(random.Random(20181).sample(range(n), 10000))
    size = rows * cols
    img = bytearray(struct.pack(">IIII", 2051, len(picked), rows, cols))
    lab = bytearray(struct.pack(">II", 2049, len(picked)))
    for i in picked:
        img += images[16 + i * size:16 + (i + 1) * size]
        lab += labels[8 + i:9 + i]
    write(out / "train10k-images-idx3-ubyte.gz", bytes(img))
    write(out / "train10k-labels-idx1-ubyte.gz", bytes(lab))
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copyfile(src / name, out / name)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
