#!/usr/bin/env python3
"""Check the DOM of a rendered slant report.html (as dumped by headless
Chromium with --dump-dom) against the CSV reports beside it.

Usage: check_dom.py DOM_FILE REPORT_DIR [--literal-source NAME] [--groups] [--time] [--scaling]
                    [--min-score FAMILY SOURCE [SOURCE ...]]

Checks:
  * one <section class="family" data-family=ID> containing an <svg> for
    each family with at least one authorial match in families.csv, and no
    other family sections;
  * every source in sources.csv appears (data-source in the overview table);
  * every charted family has example sentences (li.example) with a <mark>;
  * in every family chart, sources with fewer than 20 documents (data-docs)
    come after all the others;
  * a "Categories per source" section (section#categories) with a row per
    source (up to 60) and a cell per category column in each row, the
    sources with fewer than 20 documents last;
  * --scaling: a "Positions" section (section#scaling) with a point
    (g.position) per row of scaling.csv, at its theta;
  * nothing external: no <script>, <iframe>, <img>, <object>, <embed>,
    <link rel=stylesheet>, no src/href/srcset/action/poster/xlink:href
    pointing to http(s):// or //, no @import or url( in CSS;
  * --literal-source: that string is present as text and no element or
    event-handler attribute came out of it;
  * --groups: a <section id="groups"> with a column (th data-group) per
    group of groups.csv, a row per family scored in it, and a comparisons
    row per comparisons.csv row with a difference (at most 400), those whose
    interval leaves out 0 marked (class "sig") and no others;
  * --time: a <section id="time"> with one <svg class="timechart"
    data-family=ID> for each family with a pooled score in timeseries.csv,
    each with the pooled series (g.series data-scope=all) drawn as a line,
    and every period label of timeseries.csv a real ISO period;
  * --min-score: in FAMILY's chart, SOURCE's bar (data-source) has the
    lowest data-score among the listed sources, all of which are present.
Exit 0 when every check passes, 1 otherwise (every failure is printed).
"""

import csv
import re
import sys
from html.parser import HTMLParser

EXTERNAL_ATTRS = {"src", "href", "srcset", "action", "poster", "xlink:href", "data", "formaction"}
FORBIDDEN_TAGS = {"script", "iframe", "img", "object", "embed", "frame", "base", "audio", "video"}


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, attrs)
        self.families = {}  # id -> {"svg": bool, "examples": int, "marks": int, "bars": {src: score}}
        self.family = None
        self.family_depth = None
        self.sources = set()
        self.texts = []
        self.styles = []
        self.in_style = False
        self.problems = []
        self.tags = {}
        self.example_depth = None
        self.groups_section = False
        self.group_columns = []
        self.group_families = 0
        self.comparisons = 0
        self.significant = 0
        self.time_section = False
        self.timecharts = {}  # family -> {"all": lines of the pooled series, "series": n}
        self.timechart = None
        self.series_scope = None
        self.section = None  # id of the top-level section being read
        self.section_depth = None
        self.category_heads = 0
        self.category_rows = []  # (source, cells, few)
        self.positions = {}  # source -> theta

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append(f"event handler attribute {k}={v!r} on <{tag}>")
            if k in EXTERNAL_ATTRS and v and re.match(r"\s*(https?:)?//", v, re.I):
                self.problems.append(f"external reference {k}={v!r} on <{tag}>")
            if k == "style":
                self.styles.append(v or "")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element <{tag}> {a}")
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower():
            self.problems.append(f"external stylesheet {a}")
        if tag == "style":
            self.in_style = True
        classes = (a.get("class") or "").split()
        if tag == "section" and a.get("id") in ("categories", "scaling"):
            self.section = a.get("id")
            self.section_depth = len(self.stack)
        if self.section == "categories":
            if tag == "th" and "data-category" in a:
                self.category_heads += 1
            if tag == "tr" and "data-source" in a:
                self.category_rows.append([a["data-source"], 0, "few-docs" in classes])
            if tag == "td" and "data-category" in a and self.category_rows:
                self.category_rows[-1][1] += 1
        if self.section == "scaling" and tag == "g" and "position" in classes:
            self.positions[a.get("data-source")] = float(a.get("data-theta"))
        if tag == "section" and "family" in classes:
            self.family = a.get("data-family")
            self.family_depth = len(self.stack)
            self.families[self.family] = {"svg": False, "examples": 0, "marks": 0, "bars": {}, "docs": []}
        if self.family is not None:
            f = self.families[self.family]
            if tag == "svg":
                f["svg"] = True
            if tag == "li" and "example" in classes:
                f["examples"] += 1
            if tag == "mark":
                f["marks"] += 1
            if tag == "g" and "bar" in classes:
                score = a.get("data-score")
                f["bars"][a.get("data-source")] = float(score) if score else None
                f["docs"].append(int(a.get("data-docs", "0")))
        if tag == "section" and a.get("id") == "groups":
            self.groups_section = True
        if tag == "th" and "data-group" in a:
            self.group_columns.append(a["data-group"])
        if tag == "tr" and "group-family" in classes:
            self.group_families += 1
        if tag == "tr" and "comparison" in classes:
            self.comparisons += 1
            self.significant += "sig" in classes
        if tag == "section" and a.get("id") == "time":
            self.time_section = True
        if tag == "svg" and "timechart" in classes:
            self.timechart = a.get("data-family")
            self.timecharts[self.timechart] = {"all": 0, "series": 0}
        if self.timechart is not None:
            if tag == "g" and "series" in classes:
                self.series_scope = a.get("data-scope")
                self.timecharts[self.timechart]["series"] += 1
            if tag == "path" and "line" in classes and self.series_scope == "all" and a.get("d", "").startswith("M"):
                self.timecharts[self.timechart]["all"] += 1
        if tag == "tr" and "data-source" in a and self.section is None:
            self.sources.add(a["data-source"])
        if tag not in ("br", "meta", "link", "input", "hr", "wbr", "img", "col", "area", "source"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self._closed()

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag == "svg":
            self.timechart = None
        if tag == "g":
            self.series_scope = None
        while self.stack:
            t = self.stack.pop()
            self._closed()
            if t == tag:
                break

    def _closed(self):
        if self.section is not None and len(self.stack) == self.section_depth:
            self.section = None
            self.section_depth = None
        if self.family is not None and len(self.stack) == self.family_depth:
            self.family = None
            self.family_depth = None

    def handle_data(self, data):
        if self.in_style:
            self.styles.append(data)
        else:
            self.texts.append(data)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def unsafe(cell):
    # sources.csv neutralises formula-like cells with a leading quote.
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    dom_path, report_dir = argv[1], argv[2]
    literal = None
    min_score = None
    groups = False
    time = False
    scaling = False
    rest = argv[3:]
    i = 0
    while i < len(rest):
        if rest[i] == "--literal-source":
            literal = rest[i + 1]
            i += 2
        elif rest[i] == "--groups":
            groups = True
            i += 1
        elif rest[i] == "--time":
            time = True
            i += 1
        elif rest[i] == "--scaling":
            scaling = True
            i += 1
        elif rest[i] == "--min-score":
            min_score = (rest[i + 1], rest[i + 2], rest[i + 3:])
            break
        else:
            print(f"unknown argument {rest[i]}")
            return 2
    with open(dom_path, encoding="utf-8") as f:
        dom_text = f.read()
    dom = Dom()
    dom.feed(dom_text)
    dom.close()
    fails = list(dom.problems)

    # Families with authorial matches must each have a chart.
    fam_counts = {}
    for r in read_csv(f"{report_dir}/families.csv"):
        fam_counts[r["family"]] = fam_counts.get(r["family"], 0) + int(r["authorial_count"])
    expected = {f for f, n in fam_counts.items() if n > 0}
    got = set(dom.families)
    if expected != got:
        fails.append(f"family sections {sorted(got)} != families with matches {sorted(expected)}")
    for fid, f in sorted(dom.families.items()):
        if not f["svg"]:
            fails.append(f"family {fid}: no <svg> chart")
        if not f["bars"]:
            fails.append(f"family {fid}: no bar rows")
        if f["examples"] == 0 or f["marks"] == 0:
            fails.append(f"family {fid}: no example sentences with <mark>")
        few = [d < 20 for d in f["docs"]]
        if few != sorted(few):
            fails.append(f"family {fid}: a source with few documents charted before others: {f['docs']}")

    # Every source present.
    sources = [unsafe(r["source"]) for r in read_csv(f"{report_dir}/sources.csv")]
    missing = [s for s in sources if s not in dom.sources]
    if missing:
        fails.append(f"sources missing from the report: {missing[:10]} ({len(missing)})")

    # Categories per source: a row per source (the table shows up to 60),
    # a cell per category column, few-document sources last.
    rows = dom.category_rows
    if dom.category_heads == 0 or not rows:
        fails.append(f"no categories table ({dom.category_heads} columns, {len(rows)} rows)")
    if len(rows) != min(len(sources), 60):
        fails.append(f"categories table has {len(rows)} rows for {len(sources)} sources")
    bad = [r[0] for r in rows if r[1] != dom.category_heads]
    if bad:
        fails.append(f"categories rows without a cell per column: {bad[:5]}")
    few = [r[2] for r in rows]
    if few != sorted(few):
        fails.append("categories table: a source with few documents listed before others")

    if scaling:
        expected = {unsafe(r["source"]): float(r["theta"]) for r in read_csv(f"{report_dir}/scaling.csv")}
        if set(expected) != set(dom.positions):
            fails.append(f"positions {sorted(dom.positions)} != scaling.csv sources {sorted(expected)}")
        for src, theta in expected.items():
            if src in dom.positions and abs(dom.positions[src] - theta) > 1e-3:
                fails.append(f"position of {src}: {dom.positions[src]} != {theta}")
        if not dom.positions:
            fails.append("no positions chart")

    css = "\n".join(dom.styles)
    for bad in ("@import", "url("):
        if bad in css.lower():
            fails.append(f"CSS contains {bad}")

    if literal is not None:
        text = "".join(dom.texts)
        if literal not in text:
            fails.append(f"literal source {literal!r} not found as text")
        if dom.tags.get("img"):
            fails.append("an <img> element was created")

    if min_score is not None:
        fam, lowest, others = min_score
        bars = dom.families.get(fam, {}).get("bars", {})
        names = [lowest] + others
        absent = [n for n in names if bars.get(n) is None]
        if absent:
            fails.append(f"{fam}: no scored bar for {absent} (bars: {bars})")
        else:
            low = min(names, key=lambda n: bars[n])
            if low != lowest or any(bars[n] <= bars[lowest] for n in others):
                fails.append(f"{fam}: lowest score is {low} ({bars[low]}), expected {lowest}: {bars}")
            else:
                print(f"  {fam}: " + ", ".join(f"{n} {bars[n]:+.3f}" for n in sorted(names, key=lambda n: bars[n])))

    if groups:
        grows = read_csv(f"{report_dir}/groups.csv")
        names = [unsafe(r["group"]) for r in grows]
        if not dom.groups_section:
            fails.append("no groups section")
        if dom.group_columns != names:
            fails.append(f"group columns {dom.group_columns} != groups.csv {names}")
        scored = {k[: -len("_score")] for r in grows for k, v in r.items()
                  if k.endswith("_score") and not k.endswith("_raw_score")
                  and not k.endswith("_story_adjusted_score") and v != ""}
        if dom.group_families != len(scored):
            fails.append(f"{dom.group_families} family rows in the groups table, {len(scored)} families scored")
        crows = [r for r in read_csv(f"{report_dir}/comparisons.csv") if r["difference"] != ""]
        sig = [r for r in crows if r["ci_low"] != "" and (float(r["ci_low"]) > 0 or float(r["ci_high"]) < 0)]
        if dom.comparisons != min(len(crows), 400):
            fails.append(f"{dom.comparisons} comparison rows shown, {len(crows)} in comparisons.csv")
        if len(crows) <= 400 and dom.significant != len(sig):
            fails.append(f"{dom.significant} rows marked significant, {len(sig)} in comparisons.csv")
        print(f"  groups: {len(names)} groups, {dom.group_families} families, "
              f"{dom.comparisons} comparisons ({dom.significant} significant)")
    if time:
        rows = read_csv(f"{report_dir}/timeseries.csv")
        period_re = re.compile(r"^(\d{4}-W(0[1-9]|[1-4]\d|5[0-3])|\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4]|\d{4})$")
        bad = sorted({r["period"] for r in rows if not period_re.match(r["period"]) or r["period"].startswith("0")})
        if bad:
            fails.append(f"timeseries.csv: periods that are no calendar period: {bad[:10]}")
        want = {r["measure"] for r in rows if r["scope"] == "all" and r["measure_kind"] == "family" and r["value"]}
        if not dom.time_section:
            fails.append("no <section id=time>")
        if set(dom.timecharts) != want:
            fails.append(f"time charts {sorted(dom.timecharts)} != families with a pooled score {sorted(want)}")
        for fid, c in sorted(dom.timecharts.items()):
            if c["all"] == 0:
                fails.append(f"time chart {fid}: no pooled line")
        print(f"  time section: {len(dom.timecharts)} charts, {len({r['period'] for r in rows})} periods")

    n_examples = sum(f["examples"] for f in dom.families.values())
    print(f"  {len(got)} family charts, {len(sources)} sources, {n_examples} example sentences, "
          f"{dom.tags.get('svg', 0)} svg elements, {len(dom.category_rows)}x{dom.category_heads} category cells, "
          f"{len(dom.positions)} positions")
    for f in fails:
        print(f"FAIL: {f}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
