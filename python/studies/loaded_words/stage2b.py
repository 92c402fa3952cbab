"""Sentence decision on top of the word scores: a logistic regression over the
word scores (out-of-fold on BABE), slant's category counts (or, with
--no-categories, VADER/subjectivity counts only), quotation share and length.
Prints BABE 10-fold macro-F1 and BASIL dev ROC-AUC. Usage: stage2b.py RUN_NAME"""
import sys, json, numpy as np
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tok import REPO, SHARED, CACHE
from study import *
from sklearn.model_selection import StratifiedKFold
name = sys.argv[1]
COMB = ['noisy_or', 'max', 'sum', 'sum_pow0.5', 'top2']
oof = np.load(f'{CACHE}/oof_{name}.npy'); bas = np.load(f'{CACHE}/basil_{name}.npy')
d = load_babe(); basil = load_basil()
fz = WordFeaturizer({})
KEYS = ['vader_neg', 'vader_pos', 'subj_in', 'quoted']
if '--no-categories' in sys.argv:
    KEYS += ['vader_abs', 'subj', 'cap_mid']
else:
    KEYS += ['cat_' + c for c in fz.cats.names]
def sent(texts):
    rows = []
    for t in texts:
        _, ex = fz.sentence_examples(t)
        n = max(len(ex), 1)
        r = [np.log1p(sum(x[4].get(k, 0) for x in ex)) for k in KEYS]
        r[3] = sum(x[4].get('quoted', 0) for x in ex) / n
        r.append(np.log1p(len(ex)))
        rows.append(r)
    return np.array(rows)
Sb, Sz = sent(d.text), sent(basil.text)
def lg(p): p = np.clip(p, 1e-6, 1 - 1e-6); return np.log(p / (1 - p))
y = d.y.values; by = basil.lexical_bias.values.astype(int)
nz = Sz[:, -1]
for label, use_len, use_dense in (('top2+nOR', False, False), ('top2+nOR+len', True, False), ('top2+nOR+dense', False, True), ('top2+nOR+dense+len', True, True)):
    def X(S, D):
        cols = [lg(S[4]), lg(S[0])]
        M = np.column_stack(cols)
        if use_dense: M = np.column_stack([M, D[:, :-1]])
        if use_len: M = np.column_stack([M, D[:, -1]])
        return M
    Xb, Xz = X(oof, Sb), X(bas, Sz)
    mu, sd = Xb.mean(0), Xb.std(0) + 1e-9
    Xb, Xz = (Xb - mu) / sd, (Xz - mu) / sd
    p = np.zeros(len(y))
    for tr, te in StratifiedKFold(10, shuffle=True, random_state=1).split(Xb, y):
        p[te] = LogisticRegression(C=1.0, max_iter=1000).fit(Xb[tr], y[tr]).predict_proba(Xb[te])[:, 1]
    f1, t = best_threshold(y, p, lambda a, b: f1_score(a, b, average='macro'))
    s = LogisticRegression(C=1.0, max_iter=1000).fit(Xb, y).predict_proba(Xz)[:, 1]
    print(label, 'babe auc %.3f f1 %.3f@%.2f' % (roc_auc_score(y, p), f1, t), 'basil auc %.3f dec %.3f' % (roc_auc_score(by, s), within_decile_auc(by, s, nz)))
