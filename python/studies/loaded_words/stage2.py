"""Stage 2: a sentence-level logistic regression over word-score aggregates
(and optional sentence features), fitted on BABE out-of-fold word scores."""
import sys, json, numpy as np
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tok import REPO, SHARED, CACHE
from study import *
from sklearn.model_selection import StratifiedKFold
name = sys.argv[1]
COMB = ['noisy_or', 'max', 'sum', 'sum_pow0.5', 'top2']
oof = np.load(f'{CACHE}/oof_{name}.npy')
bas = np.load(f'{CACHE}/basil_{name}.npy')
d = load_babe(); basil = load_basil()
def nwords(texts):
    return np.array([len(sentence_tokens(t)[2]) for t in texts])
nb, nz = nwords(d.text), nwords(basil.text)
def lg(p): p = np.clip(p, 1e-6, 1 - 1e-6); return np.log(p / (1 - p))
def feats(S, n, which):
    cols = []
    for c in which:
        v = S[COMB.index(c)]
        cols.append(np.log1p(v) if c == 'sum' else lg(v) if c != 'sum_pow0.5' else v)
    cols.append(np.log1p(n))
    return np.column_stack(cols)
y = d.y.values; by = basil.lexical_bias.values.astype(int)
for which in (['noisy_or'], ['top2'], ['noisy_or', 'max', 'top2'], ['noisy_or', 'max', 'top2', 'sum']):
    Xb, Xz = feats(oof, nb, which), feats(bas, nz, which)
    mu, sd = Xb.mean(0), Xb.std(0)
    Xb, Xz = (Xb - mu) / sd, (Xz - mu) / sd
    cv = StratifiedKFold(10, shuffle=True, random_state=1)
    p = np.zeros(len(y))
    for tr, te in cv.split(Xb, y):
        m = LogisticRegression(C=1.0).fit(Xb[tr], y[tr]); p[te] = m.predict_proba(Xb[te])[:, 1]
    f1, t = best_threshold(y, p, lambda a, b: f1_score(a, b, average='macro'))
    m = LogisticRegression(C=1.0).fit(Xb, y)
    s = m.predict_proba(Xz)[:, 1]
    print(which, 'babe auc %.3f f1 %.3f@%.2f' % (roc_auc_score(y, p), f1, t),
          'basil auc %.3f dec %.3f' % (roc_auc_score(by, s), within_decile_auc(by, s, nz)), 'coef', np.round(m.coef_, 2))
