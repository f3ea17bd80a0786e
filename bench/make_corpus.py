"""Write a corpus of realistic scraped news pages for benchmarking ``import_seeds``.

    python bench/make_corpus.py 100000 /tmp/corpus --seed 7

Pages follow the format ``articles.seed_parser`` reads: 1 to 40 body paragraphs, bylines and
author boxes drawn from a few hundred shared authors, tickers, footers, and previous/next links
that name the neighbouring pages' headlines. Some pages carry the variations real pages have
(CRLF, a byte-order mark, non-breaking spaces, runs of blank lines, trailing spaces, Windows-1252,
"By NAME for PUBLISHER", no author box, no footer), and about 1% are malformed (empty, binary or
a headline alone), which the importer must refuse.

Every headline is unique and a pure function of the page number, so pages are written one at a
time and never held in memory. The same N and seed always give the same files.
"""

import argparse
import hashlib
import math
import random
import time
from pathlib import Path

SUBJECTS = (
    "Oil Prices", "OPEC+", "Russia", "China", "U.S. Shale Drillers", "Saudi Aramco", "European Gas",
    "India", "Brazil’s Petrobras", "Norway", "Canada’s Oil Sands", "Lithium Miners", "Copper",
    "Solar Stocks", "Wind Developers", "The Fed", "Refiners", "LNG Exporters", "Coal", "Uranium",
    "Germany", "Japan", "Nigeria", "Venezuela", "Iran", "Mexico’s Pemex", "Kazakhstan", "Qatar",
    "Tesla", "BP", "Shell", "Exxon", "Chevron", "TotalEnergies", "Equinor", "Gazprom", "Rosneft",
    "Argentina’s Vaca Muerta", "Hydrogen Start-Ups", "Battery Makers",
)  # fmt: skip
VERBS = (
    "Braces For", "Bets On", "Warns Of", "Doubles Down On", "Shrugs Off", "Faces", "Pushes Back On",
    "Cashes In On", "Struggles With", "Eyes", "Cuts Forecasts Amid", "Rallies On", "Stumbles Over",
    "Quietly Prepares For", "Is Blindsided By", "Lobbies Against", "Courts Investors With",
    "Rewrites Its Plans After", "Downplays", "Scrambles To Contain", "Profits From", "Gambles On",
    "Turns Cautious On", "Slows Spending After", "Races To Exploit", "Is Hit Hard By", "Rebounds From",
    "Plays Down Fears Of", "Cannot Ignore", "Stakes Its Future On",
)  # fmt: skip
OBJECTS = (
    "Record Demand", "A Supply Glut", "New Sanctions", "Tighter Regulation", "Weak Chinese Imports",
    "A Summer Of Strikes", "Soaring Freight Rates", "A Price War", "Falling Inventories",
    "A Refinery Outage", "Pipeline Delays", "The “Green Premium”", "A Drilling Slowdown",
    "Higher Interest Rates", "A Tanker Shortage", "Cheaper Batteries", "Grid Bottlenecks",
    "Export Bans", "A Weaker Dollar", "A Cold Winter", "Windfall Taxes", "Hurricane Damage",
    "Cyberattacks", "A Labour Shortage", "Carbon Border Taxes", "Nationalisation Threats",
    "Shrinking Margins", "An Exploration Boom", "Subsidy Cuts", "Mine Closures", "Drone Attacks",
    "A Court Ruling", "Rising Insurance Costs", "Lower Output Quotas", "Stranded Assets",
    "Methane Rules", "Currency Swings", "Port Congestion", "Power Cuts", "A Merger Wave",
)  # fmt: skip
QUALIFIERS = (
    "In Q3", "As Winter Nears", "After Hurricane Season", "Despite Rate Hikes", "This Year",
    "For 2025", "Ahead Of Elections", "Amid Drought", "As Talks Stall", "Before The Summit",
    "As Prices Slide", "Again", "For The First Time", "In Asia", "In Europe", "In Africa",
    "In The Gulf", "In Latin America", "At Home", "Abroad", "Once More", "Overnight",
    "Through The Decade", "Until Spring", "After All",
)  # fmt: skip

FIRST_NAMES = (
    "Irina", "Tsvetana", "Charles", "Haley", "Julianne", "Alex", "María José", "Zoë", "Jean-Luc",
    "Ngozi", "Søren", "Ana Lúcia", "François", "Łukasz", "Ömer", "Renée", "Nguyễn Thị", "Chloé",
    "Björn", "Aisling", "Mateus", "Dmitri", "Priya", "Kwame", "Yūki", "Fatima", "Tomás", "Ines",
    "Jakub", "Olamide",
)  # fmt: skip
LAST_NAMES = (
    "Slav", "Paraskova", "Kennedy", "Zaremba", "Geiger", "Kimani", "García-López", "Ångström",
    "O’Brien", "Okonjo", "Kierkegaard", "Gonçalves", "Müller", "Wałęsa", "Yılmaz", "Dubé", "Minh",
    "Lefèvre", "Borg", "Ní Bhraonáin", "Ferreira", "Volkov", "Raghunathan", "Mensah", "Tanaka",
    "El-Amin", "Ibáñez", "Sørensen", "Novák", "Adeyemi",
)  # fmt: skip
BEATS = (
    "oil and gas markets", "OPEC and the Middle East", "renewable energy", "energy policy in Brussels",
    "commodities trading", "the shale patch", "Russian energy exports", "Asian LNG demand",
    "mining and metals", "electricity markets",
)  # fmt: skip
CITIES = ("Houston", "London", "Sofia", "Singapore", "Dubai", "Calgary", "São Paulo", "Oslo", "Lagos")
PUBLISHERS = ("Oilprice.com", "Reuters", "Le Monde", "Süddeutsche Zeitung", "The Energy Desk")
SITE = "Oilprice.com"
SENTENCES = (
    "{Company} said on {day} that output would rise by {number}% next quarter.",
    "“We are not worried about {thing},” {person} told reporters in {city}.",
    "Analysts at {company} expect prices to stay near ${number} a barrel.",
    "The decision surprised traders, who had bet on {thing}.",
    "By the end of the decade, {company} hopes to double its capacity in {city}.",
    "By some estimates, {thing} could cost the industry {number} billion dollars.",
    "Inventories fell for a {ordinal} straight week, the agency said.",
    "{person}, who advises {company}, called the move “long overdue.”",
    "Officials in {city} declined to comment on {thing}.",
    "Shares of {company} closed {number}% higher on {day}.",
    "The deal still needs approval from regulators in {city}.",
    "Critics say the plan ignores {thing} altogether.",
    "Demand in {city} has recovered faster than most forecasts suggested.",
    "“It’s a gamble,” said {person}, “but the numbers add up.”",
)
COMPANIES = (
    "Saudi Aramco", "BP", "Shell", "ExxonMobil", "Chevron", "Equinor", "Petrobras", "Goldman Sachs",
    "Rystad Energy", "Wood Mackenzie", "the IEA", "Morgan Stanley", "Glencore", "Vitol",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
ORDINALS = ("second", "third", "fourth", "fifth", "sixth")
MALFORMED = ("empty", "binary", "headline only")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=int, metavar="N", help="how many pages to write")
    parser.add_argument("directory", type=Path, metavar="DIR", help="where to write them")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same corpus")
    return parser.parse_args()


class Corpus:
    """Everything about page ``number`` that other pages refer to (its headline, whether it is
    malformed) is a pure function of the seed and the number."""

    def __init__(self, seed, pages):
        rng = random.Random(seed)
        self.seed = seed
        self.pages = pages
        self.parts = [rng.sample(words, len(words)) for words in (SUBJECTS, VERBS, OBJECTS, QUALIFIERS)]
        self.combinations = math.prod(len(words) for words in self.parts)
        self.offset = rng.randrange(self.combinations)
        self.stride = next(s for s in range(7919, self.combinations) if math.gcd(s, self.combinations) == 1)
        people = sorted({f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES})
        self.authors = [(name, self.bio(rng, name)) for name in rng.sample(people, 300)]
        self.sentences = [self.sentence(rng) for _ in range(3000)]

    def digest(self, number):
        return hashlib.blake2b(f"{self.seed}:{number}".encode(), digest_size=8).hexdigest()

    def is_malformed(self, number):
        return int(self.digest(number), 16) % 100 == 0

    def headline(self, number):
        """Unique per number: the number is permuted over all combinations of the word lists."""
        index = (number * self.stride + self.offset) % self.combinations
        words = []
        for part in self.parts:
            index, choice = divmod(index, len(part))
            words.append(part[choice])
        repeat = number // self.combinations
        return " ".join(words) + (f", Part {repeat + 1}" if repeat else "")

    def neighbour(self, number, step):
        """The headline of the nearest well-formed page before (step -1) or after (+1)."""
        number += step
        while 0 <= number < self.pages and self.is_malformed(number):
            number += step
        return self.headline(number) if 0 <= number < self.pages else None

    def sentence(self, rng):
        name, _ = rng.choice(self.authors)
        company = rng.choice(COMPANIES)
        return rng.choice(SENTENCES).format(
            company=company,
            Company=company[0].upper() + company[1:],
            day=rng.choice(DAYS),
            number=rng.randint(2, 95),
            thing=rng.choice(OBJECTS).lower(),
            person=name,
            city=rng.choice(CITIES),
            ordinal=rng.choice(ORDINALS),
        )

    @staticmethod
    def bio(rng, name):
        text = (
            f"{name} has covered {rng.choice(BEATS)} from {rng.choice(CITIES)} for "
            f"{rng.randint(3, 25)} years, writing for {rng.choice(PUBLISHERS)} and others. "
            f"Before journalism {name.split()[0]} worked as an analyst, and still follows the markets closely."
        )
        return text[: rng.randint(90, len(text))].rsplit(" ", 1)[0] + "…"

    def blocks(self, rng, number):
        """The blocks of well-formed page ``number``."""
        author, bio = rng.choice(self.authors)
        blocks = []
        if rng.random() < 0.3:
            blocks += ["Breaking News:", self.headline(rng.randrange(self.pages))]
        blocks.append(self.headline(number))
        for _ in range(min(40, 1 + int(rng.expovariate(1 / 9)))):
            blocks.append(" ".join(rng.choices(self.sentences, k=rng.randint(1, 4))))
        if rng.random() < 0.95:
            publisher = f" for {rng.choice(PUBLISHERS)}" if rng.random() < 0.15 else ""
            blocks.append(f"By {author}{publisher}")
        if rng.random() < 0.97:
            blocks += [f"More Top Reads From {SITE}", "Back to homepage", "Loading ..."]
        previous, following = self.neighbour(number, -1), self.neighbour(number, +1)
        if previous and rng.random() < 0.9:
            blocks.append(f"« Previous: {previous}")
        if following and rng.random() < 0.9:
            blocks.append(f"Next: {following} »")
        if rng.random() < 0.92:
            blocks += [author, f"{bio} More"]
        return blocks

    def page_bytes(self, rng, number):
        """The file for page ``number``, with the variations real pages show."""
        if self.is_malformed(number):
            kind = rng.choice(MALFORMED)
            if kind == "empty":
                return b""
            if kind == "binary":
                return rng.randbytes(rng.randint(64, 512)) + b"\0"
            return f"{self.headline(number)}\n".encode()
        blocks = self.blocks(rng, number)
        if rng.random() < 0.05:
            body = rng.randrange(1, len(blocks))
            blocks[body] = blocks[body].replace(" ", "\u00a0", 3)
        separator = "\n\n"
        if rng.random() < 0.1:
            separator = rng.choice(("\n\n\n", "\n \n", "\n\n\t\n\n", "\n\u00a0\n\n"))
        if rng.random() < 0.05:
            separator = "  " + separator
        text = separator.join(blocks) + "\n"
        if rng.random() < 0.1:
            text = text.replace("\n", "\r\n")
        if rng.random() < 0.05:
            text = "\ufeff" + text
        if rng.random() < 0.005:
            try:
                return text.removeprefix("\ufeff").encode("cp1252")
            except UnicodeEncodeError:
                pass
        return text.encode()

    def write(self, directory):
        """Write every page; return how many are malformed."""
        directory.mkdir(parents=True, exist_ok=True)
        rng = random.Random(self.seed)
        width = max(6, len(str(self.pages - 1)))
        for number in range(self.pages):
            path = directory / f"{number:0{width}d}_{self.digest(number)}.txt"
            path.write_bytes(self.page_bytes(rng, number))
        return sum(self.is_malformed(number) for number in range(self.pages))


def main():
    args = parse_args()
    started = time.perf_counter()
    malformed = Corpus(args.seed, args.pages).write(args.directory)
    elapsed = time.perf_counter() - started
    print(f"wrote {args.pages} pages ({malformed} malformed) to {args.directory} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
