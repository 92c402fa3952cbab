"""Unsupervised per-word corpus statistics over allsides (no labels used)."""
import gzip, json, pickle, sys
from collections import defaultdict
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tok import REPO, SHARED, CACHE
from tok import tokens
from study import load_vader
vader = load_vader()
# word -> [df, tf, quoted, capmid, ctx_sum, ctx_n]
S = defaultdict(lambda: [0, 0, 0, 0, 0.0, 0])
n = 0
with gzip.open(SHARED + '/data/allsides-news/train.jsonl.gz', 'rt') as f:
    for line in f:
        r = json.loads(line)
        txt = (r.get('title') or '') + '\n' + (r.get('text') or '')
        _, toks = tokens(txt)
        seen = set()
        sent = []
        def flush():
            if not sent: return
            vals = [abs(vader.get(w, 0.0)) for w, _, _ in sent]
            tot = sum(vals); k = len(sent)
            for (w, q, cm), v in zip(sent, vals):
                s = S[w]
                if k > 1:
                    s[4] += (tot - v) / (k - 1); s[5] += 1
            sent.clear()
        prev = '.'
        for (a, b, t, kind, q) in toks:
            if kind == 'P':
                if t in '.!?\n': flush()
                prev = t
                continue
            if kind != 'W':
                prev = t; continue
            w = t.lower()
            s = S[w]
            if w not in seen:
                s[0] += 1; seen.add(w)
            s[1] += 1
            if q: s[2] += 1
            cm = t[:1].isupper() and prev not in '.!?:"\n'
            if cm: s[3] += 1
            sent.append((w, q, cm))
            prev = t
        flush()
        n += 1
pickle.dump((n, dict(S)), open(os.path.join(CACHE, 'stats.pkl'), 'wb'))
print(n, len(S))
