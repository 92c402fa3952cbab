#!/usr/bin/env python3
"""Audit what slant's categories and distinctive n-grams pick up on a corpus.

    benches/audit.py REPORTS_DIR [--top N] [--sources "CNN (Web News)" ...]

REPORTS_DIR is the output of `slant analyze` (evidence.csv, terms.csv). Prints
Markdown tables:

1. per category, its N most frequent authorial matches (the matched text,
   lower-cased) with their share of the category's authorial matches; a term
   marked `FW` is a function word (see FUNCTION_WORDS), which says nothing
   about hedging, weaseling, boosting or loading on its own;
2. per source (the largest ones, or those named with --sources), its top N
   distinctive n-grams of each order from terms.csv, marking `BP` the ones
   that look like site boilerplate (see BOILERPLATE).

Then checks the acceptance rules of the measures issue and exits 1 if one
fails: no category's top 10 has three or more function words, no source's top
10 n-grams has a boilerplate term.

Standard library only; reads evidence.csv in one streaming pass (about a
minute for the 720 MB of allsides).
"""

import argparse
import csv
import collections
import os
import sys

csv.field_size_limit(1 << 30)

# Closed-class words (determiners, pronouns, prepositions, conjunctions,
# auxiliaries, particles) and the commonest adverbs of degree, time and
# focus whose meaning is grammatical rather than evaluative.
FUNCTION_WORDS = set(
    """
    a about above across after again against all almost along already also although always
    am among an and another any anyway are around as at back be because been before being
    below between both but by can could did do does down during each either enough even ever
    every few for from further had has have he her here hers him his how however i if in into
    is it its itself just least less like many may me might more most much must my near
    neither never no nor not now of off often on once one only or other our out over own
    perhaps quite rather same several shall she should since so some still such than that
    the their them then there these they this those though through thus to too under until
    up upon us very was we well were what when where whether which while who whom whose why
    will with within without would yet you your
    """.split()
)

# Strings that mark site furniture rather than news language.
BOILERPLATE = [
    "caption", "hide caption", "just watched", "must watch", "replay more videos",
    "click here", "sign up", "newsletter", "newsletters", "advertisement", "subscribe",
    "reprint permission", "story continued", "continue reading", "app", "getty images",
    "toggle caption", "enlarge this image", "contributed to this report", "pullquote",
    "recaptcha", "inbox", "llc",
]


def is_boilerplate(term: str) -> bool:
    return any(term == b or term.startswith(b + " ") or term.endswith(" " + b) for b in BOILERPLATE)


def is_self_name(term: str, source: str) -> bool:
    words = {w for w in "".join(c.lower() if c.isalnum() else " " for c in source).split()}
    return all(w in words for w in term.split())


def category_table(path, top):
    counts = collections.defaultdict(collections.Counter)
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        voice, kind, group, term = (header.index(c) for c in ("voice", "kind", "group", "term"))
        for row in r:
            if row[kind] == "category" and row[voice] == "authorial":
                counts[row[group]][row[term].lower()] += 1
    return counts


def print_categories(counts, top):
    failed = []
    for cat in sorted(counts):
        c = counts[cat]
        total = sum(c.values())
        print(f"\n### {cat} ({total:,} authorial matches)\n")
        print("| rank | term | matches | share | |")
        print("|---:|---|---:|---:|---|")
        fw = 0
        for i, (t, n) in enumerate(c.most_common(top), 1):
            is_fw = t in FUNCTION_WORDS
            if i <= 10 and is_fw:
                fw += 1
            print(f"| {i} | {t} | {n:,} | {100 * n / total:.1f}% | {'FW' if is_fw else ''} |")
        if fw >= 3:
            failed.append(f"category {cat}: {fw} function words in its top 10")
    return failed


def print_sources(path, top, wanted):
    rows = collections.defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "ngram":
                rows[row["source"]].append(row)
    failed = []
    for s in wanted:
        if s not in rows:
            print(f"\n(no n-grams for {s})")
            continue
        print(f"\n### {s}\n")
        print("| rank | unigram | z | bigram | z |")
        print("|---:|---|---:|---|---:|")
        by = {o: sorted((r for r in rows[s] if r["order"] == o), key=lambda r: int(r["rank"])) for o in "12"}
        for i in range(top):
            cells = []
            for o in "12":
                if i < len(by[o]):
                    r = by[o][i]
                    t = r["term"]
                    mark = " BP" if is_boilerplate(t) else (" SELF" if is_self_name(t, s) else "")
                    if i < 10 and mark:
                        failed.append(f"source {s}: `{t}` ({mark.strip()}) in its top 10")
                    cells += [f"{t}{mark}", f"{float(r['z']):.1f}"]
                else:
                    cells += ["", ""]
            print(f"| {i + 1} | " + " | ".join(cells) + " |")
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reports")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--sources", nargs="*", default=None)
    ap.add_argument("--largest", type=int, default=13, help="audit the N largest sources (by documents)")
    a = ap.parse_args()
    failed = []
    ev = os.path.join(a.reports, "evidence.csv")
    if os.path.exists(ev):
        print("## Top authorial matches per category")
        failed += print_categories(category_table(ev, a.top), a.top)
    wanted = a.sources
    if wanted is None:
        with open(os.path.join(a.reports, "sources.csv"), newline="", encoding="utf-8") as f:
            docs = [(int(r["documents"]), r["source"]) for r in csv.DictReader(f)]
        wanted = [s for _, s in sorted(docs, key=lambda x: (-x[0], x[1]))[: a.largest]]
    print("\n## Top distinctive n-grams per source")
    failed += print_sources(os.path.join(a.reports, "terms.csv"), a.top, wanted)
    print("\n## Acceptance")
    for f in failed:
        print(f"- FAIL {f}")
    if not failed:
        print("- ok: no category top 10 with 3+ function words; no boilerplate or self-name in a source's top 10")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
