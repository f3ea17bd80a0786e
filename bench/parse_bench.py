"""Benchmark the seed parser on pages of every shape from 0.1 MB to 10 MB: time per MB must stay
flat, whatever the shape, or some step grows faster than its input.

    python bench/parse_bench.py                 # every shape, 0.1 to 10 MB
    python bench/parse_bench.py --sizes 0.1 1   # fewer sizes

Each page is parsed three times and the fastest run counts. A page may be refused (too many
ticker items, a body of menu lines): refusing it must be as linear as parsing it.
"""

import argparse
import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.seed_parser import SeedParseError, parse_seed

HEAD = "Refinery Strike Enters Its Third Week\n\n"
PARAGRAPH = "Workers at the Baytown refinery walked out on Monday over pay, the union said in a statement.\n\n"
RELATED = "Oil Prices Climb as Hurricane Threatens Gulf Production\n"

# Each shape: (the start of the page, the block repeated to fill it, the end of the page).
SHAPES = {
    "paragraphs": (HEAD, PARAGRAPH, "By Jane Doe\n\nMore Top Reads From Oilprice.com:\n"),
    "one long paragraph": (HEAD, "word " * 20, "\n\nBy Jane Doe\n"),
    "ticker lines": ("", "Breaking News:\n\nOil Prices Climb Again\n\n", HEAD + PARAGRAPH),
    "footer markers": (HEAD + PARAGRAPH, "Back to homepage\n\n", ""),
    "related headlines": (HEAD + PARAGRAPH + "More Top Reads From Oilprice.com:\n\n", RELATED, ""),
    "related headlines, then a sentence": (
        HEAD + PARAGRAPH + "More Top Reads From Oilprice.com:\n\n",
        RELATED + "\n",
        "The talks resume on Friday.\n",
    ),
    "furniture": (HEAD, PARAGRAPH + ".\n\n(Click to enlarge)\n\nAdvertisement\n\n", ""),
    "reader comments": (HEAD + PARAGRAPH + "29 comments\n\n", "Mike Hansen\n\nSo much for the transition.\n\n", ""),
    "menu lines": (HEAD, "Markets\n\n", ""),
    "author boxes": (HEAD, PARAGRAPH + "Jane Doe\n\nJane Doe covers energy markets. More\n\n", ""),
}


def page(shape, megabytes):
    start, repeated, end = SHAPES[shape]
    count = max(1, int((megabytes * 1_000_000 - len(start) - len(end)) / len(repeated.encode())))
    return start + repeated * count + end


def seconds_to_parse(text, runs=3):
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        with contextlib.suppress(SeedParseError):
            parse_seed(text)
        best = min(best, time.perf_counter() - started)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 0.5, 1, 2, 5, 10], help="page sizes in MB")
    args = parser.parse_args()
    print(f"{'shape':<36}" + "".join(f"{size:>9g} MB" for size in args.sizes) + "   (seconds per MB)")
    for shape in SHAPES:
        per_mb = []
        for size in args.sizes:
            text = page(shape, size)
            per_mb.append(seconds_to_parse(text) / (len(text.encode()) / 1_000_000))
        print(f"{shape:<36}" + "".join(f"{value:>12.3f}" for value in per_mb), flush=True)


if __name__ == "__main__":
    main()
