import gzip, json, collections, pickle, sys
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tok import REPO, SHARED, CACHE
from tok import tokens
df = collections.Counter(); n = 0
with gzip.open(SHARED + '/data/allsides-news/train.jsonl.gz', 'rt') as f:
    for line in f:
        r = json.loads(line)
        txt = (r.get('title') or '') + '\n' + (r.get('text') or '')
        _, toks = tokens(txt)
        df.update({t[2].lower() for t in toks if t[3] == 'W'})
        n += 1
pickle.dump((n, dict(df)), open(os.path.join(CACHE, 'df.pkl'), 'wb'))
print(n, len(df))
