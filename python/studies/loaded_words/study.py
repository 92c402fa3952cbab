"""Side study: a word-level loaded-language model trained on BABE's marked
words, validated out of domain on BASIL dev (selection only, never training).

Usage: study.py CONFIG_JSON  (prints one JSON line of figures)
"""
import ast, json, math, pickle, re, sys, tomllib, xml.etree.ElementTree as ET
from collections import Counter, defaultdict
import numpy as np, pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, matthews_corrcoef, f1_score

import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tok import REPO, SHARED, CACHE
from tok import tokens, normalize

LEX = REPO + '/data/lexicons'

# ---------------------------------------------------------------- lexicons
def load_vader():
    v = {}
    for line in open(LEX + '/vader/vader_lexicon.txt', encoding='utf-8'):
        p = line.rstrip('\n').split('\t')
        if len(p) >= 2:
            v[p[0].lower()] = float(p[1])
    return v

def load_pattern():
    subj = {}
    for line in open(LEX + '/pattern/subjectivity.txt', encoding='utf-8'):
        p = line.rstrip('\n').split('\t')
        if len(p) == 2:
            subj[p[0].lower()] = float(p[1])
    pol = defaultdict(list)
    root = ET.parse(SHARED + '/lexicons/pattern/en-sentiment.xml').getroot()
    for w in root.iter('word'):
        f = w.get('form', '').lower()
        if f and ' ' not in f:
            pol[f].append(float(w.get('polarity', 0)))
    pol = {k: sum(v) / len(v) for k, v in pol.items()}
    return subj, pol

def load_categories():
    cats = {}
    d = tomllib.load(open(LEX + '/categories.toml', 'rb'))
    for c in d['category']:
        cats[c['id']] = [t.lower() for t in c['terms']]
    for name in ['hedges', 'weasels']:
        cats[name] = [l.strip().lower() for l in open(f'{LEX}/{name}/{name}.txt') if l.strip()]
    return cats

class CatIndex:
    """Token-level membership: a token is a member of a category when a term
    (single word, or phrase, or wildcard prefix) covers it."""
    def __init__(self, cats):
        self.names = list(cats)
        self.single = defaultdict(set)
        self.prefix = defaultdict(list)
        self.phrases = defaultdict(list)
        for ci, (c, terms) in enumerate(cats.items()):
            for t in terms:
                ws = t.split()
                if len(ws) == 1:
                    if ws[0].endswith('*'):
                        self.prefix[ci].append(ws[0][:-1])
                    else:
                        self.single[ws[0]].add(ci)
                else:
                    self.phrases[ws[0]].append((ci, ws))

    def members(self, words):
        """words: lower-cased words of a sentence -> list of sets of categories"""
        out = [set(self.single.get(w, ())) for w in words]
        for i, w in enumerate(words):
            for ci, ps in self.prefix.items():
                if any(w.startswith(p) for p in ps):
                    out[i].add(ci)
            for ci, ws in self.phrases.get(w, ()):
                n = len(ws)
                if [x for x in words[i:i + n]] == ws or all(
                        a == b or (b.endswith('*') and a.startswith(b[:-1])) for a, b in zip(words[i:i + n], ws)) and len(words[i:i + n]) == n:
                    for k in range(i, i + n):
                        out[k].add(ci)
        return out

STOP = set("""a about after all also an and any are as at be been before but by can could did do does for from had has
have he her him his how i if in into is it its me more most my no not of on one or other our out over she so some
than that the their them then there these they this those to up us was we were what when which who will with would
you your""".split())

# ---------------------------------------------------------------- data
def sentence_tokens(text):
    t, toks = tokens(text)
    words = []  # (index among tokens, start, end, text, quoted)
    for i, (s, e, w, k, q) in enumerate(toks):
        if k == 'W':
            words.append((i, s, e, w, q))
    return t, toks, words

def load_babe():
    d = pd.read_csv(SHARED + '/data/babe/final_labels_SG2.csv', sep=';', encoding='utf-8-sig')
    d = d[d.label_bias != 'No agreement'].reset_index(drop=True)
    d['marked'] = d.biased_words.map(lambda s: [normalize(w).strip().strip('"\'.,;:!?()').lower() for w in ast.literal_eval(s)])
    d['y'] = (d.label_bias == 'Biased').astype(int)
    return d

def load_basil():
    return pd.read_csv(SHARED + '/data/basil-dev/sentences.csv', keep_default_na=False)

# ---------------------------------------------------------------- features
class WordFeaturizer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.vader = load_vader()
        self.subj, self.pol = load_pattern()
        self.cats = CatIndex(load_categories())
        n, df = pickle.load(open(os.path.join(CACHE, 'df.pkl'), 'rb'))
        dmin = cfg.get('df_min', 1)
        self.ndocs, self.df = n, {w: c for w, c in df.items() if c >= dmin}
        self.stats = {}
        if cfg.get('stats'):
            _, st = pickle.load(open(os.path.join(CACHE, 'stats.pkl'), 'rb'))
            self.stats = {w: v for w, v in st.items() if v[0] >= max(dmin, 3)}
        self.char_vocab = None
        self.word_vocab = None

    def grams(self, w):
        lo, hi = self.cfg.get('char_range', (3, 5))
        s = '<' + w + '>'
        g = set()
        for n in range(lo, hi + 1):
            for i in range(0, max(0, len(s) - n) + 1):
                g.add(s[i:i + n])
        return g

    def dense_word(self, w, raw):
        """per-word dense features (no context)"""
        cfg = self.cfg
        f = {}
        v = self.vader.get(w)
        if v is not None:
            f['vader_in'] = 1; f['vader_abs'] = abs(v) / 4
            f['vader_neg'] = float(v < 0); f['vader_pos'] = float(v > 0)
        s = self.subj.get(w)
        if s is not None:
            f['subj_in'] = 1; f['subj'] = s
        if cfg.get('polarity', True):
            p = self.pol.get(w)
            if p is not None:
                f['pol_abs'] = abs(p); f['pol_neg'] = float(p < 0); f['pol_pos'] = float(p > 0)
        if cfg.get('rarity', True):
            df = self.df.get(w, 0)
            r = math.log((self.ndocs + 1) / (df + 1)) / math.log(self.ndocs + 1)
            f['rarity'] = r
            b = min(int(r * 8), 7)
            f[f'rar_bin{b}'] = 1
        st = self.stats.get(w) if self.stats else None
        if st is not None:
            dfw, tf, qn, cm, cs, cn = st
            for k in cfg['stats']:
                if k == 'qshare': f['qshare'] = qn / tf
                elif k == 'ctx': f['ctx'] = (cs / cn) / 4 if cn else 0.0
                elif k == 'capshare': f['capshare'] = cm / tf
                elif k == 'burst': f['burst'] = math.log(tf / dfw)
        if w in STOP:
            f['stop'] = 1
        if cfg.get('shape', True):
            if raw[:1].isupper():
                f['cap'] = 1
            if raw.isupper() and len(raw) > 1:
                f['allcaps'] = 1
            if any(c.isdigit() for c in raw):
                f['digit'] = 1
            if '-' in raw:
                f['hyphen'] = 1
            n = len(w)
            f[f'len{min(n // 3, 4)}'] = 1
        return f

    def sentence_examples(self, text):
        """-> list of (word, raw, start, end, feature dict, grams) for the sentence's words"""
        cfg = self.cfg
        t, toks, words = sentence_tokens(text)
        lower = [w[3].lower() for w in words]
        members = self.cats.members(lower)
        out = []
        base = [self.dense_word(lw, w[3]) for lw, w in zip(lower, words)]
        for j, (ti, s, e, raw, q) in enumerate(words):
            f = dict(base[j])
            if cfg.get('cats', True):
                for ci in members[j]:
                    f['cat_' + self.cats.names[ci]] = 1
            if cfg.get('quote', True) and q:
                f['quoted'] = 1
            if cfg.get('shape', True):
                if j == 0:
                    f['first'] = 1
                if f.get('cap') and j > 0 and toks[ti - 1][2] not in '.!?:"':
                    f['cap_mid'] = 1
            if cfg.get('neighbours', True):
                for side, k, tk in (('prev', j - 1, ti - 1), ('next', j + 1, ti + 1)):
                    # adjacent punctuation
                    if 0 <= tk < len(toks) and toks[tk][3] == 'P':
                        p = toks[tk][2]
                        f[f'{side}_punct_' + ('quote' if p in '"\'' else 'other')] = 1
                    if 0 <= k < len(words):
                        nb = base[k]
                        for key in ('vader_in', 'subj_in', 'stop', 'cap', 'vader_neg'):
                            if nb.get(key):
                                f[f'{side}_{key}'] = 1
                        if cfg.get('cats', True):
                            for ci in members[k]:
                                f[f'{side}_cat_' + self.cats.names[ci]] = 1
                    else:
                        f[f'{side}_none'] = 1
            out.append((lower[j], raw, s, e, f))
        return t, out

    def fit_vocab(self, words):
        cfg = self.cfg
        c = Counter()
        for w in set(words):
            pass
        cnt = Counter(words)
        gc = Counter()
        for w, n in cnt.items():
            for g in self.grams(w):
                gc[g] += n
        md = cfg.get('char_min_df', 3)
        self.char_vocab = {g: i for i, g in enumerate(sorted(g for g, n in gc.items() if n >= md))} if cfg.get('chars', True) else {}
        if cfg.get('word_identity', False):
            self.word_vocab = {w: i for i, w in enumerate(sorted(w for w, n in cnt.items() if n >= cfg.get('word_min_df', 3)))}
        else:
            self.word_vocab = {}

    def matrix(self, examples, dense_names=None):
        """examples: list of (word, raw, s, e, f). Returns CSR and dense names."""
        cfg = self.cfg
        if dense_names is None:
            dense_names = sorted({k for ex in examples for k in ex[4]})
        di = {k: i for i, k in enumerate(dense_names)}
        nc, nw, nd = len(self.char_vocab), len(self.word_vocab), len(dense_names)
        rows, cols, vals = [], [], []
        cs = cfg.get('char_scale', 1.0)
        gcache = {}
        for r, (w, raw, s, e, f) in enumerate(examples):
            if nc:
                ids = gcache.get(w)
                if ids is None:
                    ids = [self.char_vocab[g] for g in self.grams(w) if g in self.char_vocab]
                    gcache[w] = ids
                if ids:
                    v = cs / math.sqrt(len(ids))
                    for i in ids:
                        rows.append(r); cols.append(i); vals.append(v)
            if nw and w in self.word_vocab:
                rows.append(r); cols.append(nc + self.word_vocab[w]); vals.append(cfg.get('word_scale', 1.0))
            ds = cfg.get('dense_scale', 1.0)
            for k, v in f.items():
                if k in di:
                    rows.append(r); cols.append(nc + nw + di[k]); vals.append(v * ds)
        X = sparse.csr_matrix((vals, (rows, cols)), shape=(len(examples), nc + nw + nd))
        return X, dense_names


# ---------------------------------------------------------------- model
def babe_examples(fz, d, idx, cfg):
    exs, ys, sent = [], [], []
    for i in idx:
        text, marked, y = d.text[i], set(d.marked[i]), d.y[i]
        if y == 1 and not marked and cfg.get('skip_unmarked_biased', True):
            continue
        _, ex = fz.sentence_examples(text)
        for x in ex:
            pos = int(x[0] in marked and (y == 1 or cfg.get('marked_in_nonbiased', False)))
            exs.append(x); ys.append(pos); sent.append(i)
    return exs, np.array(ys), np.array(sent)

def fit_word_model(fz, d, idx, cfg):
    exs, ys, sent = babe_examples(fz, d, idx, cfg)
    fz.fit_vocab([x[0] for x in exs])
    X, names = fz.matrix(exs)
    clf = LogisticRegression(C=cfg.get('C', 1.0), max_iter=2000, solver='lbfgs',
                             class_weight=cfg.get('class_weight'))
    sw = None
    if 'biased_neg_weight' in cfg:
        sy = d.y.values[sent]
        sw = np.where((ys == 0) & (sy == 1), cfg['biased_neg_weight'], 1.0)
    clf.fit(X, ys, sample_weight=sw)
    return clf, names

def word_probs(fz, clf, names, text):
    t, ex = fz.sentence_examples(text)
    if not ex:
        return t, ex, np.zeros(0)
    X, _ = fz.matrix(ex, names)
    return t, ex, clf.predict_proba(X)[:, 1]

def combine(p, how, n_words):
    if len(p) == 0:
        return 0.0
    if how == 'noisy_or':
        return 1 - float(np.exp(np.sum(np.log1p(-np.clip(p, 0, 1 - 1e-12)))))
    if how == 'max':
        return float(p.max())
    if how == 'sum':
        return float(p.sum())
    if how.startswith('sum_pow'):
        a = float(how[7:])
        return float(p.sum() / max(n_words, 1) ** a)
    if how == 'top2':
        return float(np.sort(p)[-2:].mean())
    raise ValueError(how)

COMBINERS = ['noisy_or', 'max', 'sum', 'sum_pow0.5', 'top2']

# ---------------------------------------------------------------- metrics
def within_decile_auc(y, s, length):
    q = pd.qcut(pd.Series(length).rank(method='first'), 10, labels=False)
    aucs = []
    for b in range(10):
        m = (q == b).values
        if len(set(y[m])) == 2:
            aucs.append(roc_auc_score(y[m], s[m]))
    return float(np.mean(aucs))

def best_threshold(y, s, metric):
    best = (-1, 0.5)
    for t in np.unique(np.round(s, 4)):
        pred = s >= t
        v = metric(y, pred)
        if v > best[0]:
            best = (v, float(t))
    return best

def boot_auc(y, s, n=1000, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    idx = np.arange(len(y))
    for _ in range(n):
        b = rng.choice(idx, len(idx))
        if len(set(y[b])) == 2:
            out.append(roc_auc_score(y[b], s[b]))
    return np.percentile(out, [2.5, 97.5]).tolist()


def run(cfg):
    fz = WordFeaturizer(cfg)
    d = load_babe()
    basil = load_basil()
    res = {'cfg': cfg}
    # ---- BASIL: fit on all of BABE
    clf, names = fit_word_model(fz, d, range(len(d)), cfg)
    by = basil.lexical_bias.values.astype(int)
    scores = {c: [] for c in COMBINERS}
    lengths = []
    span_hit = []
    for text, spans, y in zip(basil.text, basil.lexical_spans, by):
        t, ex, p = word_probs(fz, clf, names, text)
        lengths.append(len(ex))
        for c in COMBINERS:
            scores[c].append(combine(p, c, len(ex)))
        auth = np.array([pp for pp, x in zip(p, ex) if not x[4].get('quoted')])
        for c in ('noisy_or', 'top2'):
            scores.setdefault(c + '_auth', []).append(combine(auth, c, len(auth)))
        if y == 1 and len(p):
            top = ex[int(np.argmax(p))][0]
            span_hit.append(top in normalize(spans).lower())
    lengths = np.array(lengths)
    res['basil_len_auc'] = roc_auc_score(by, lengths)
    res['basil_chars_auc'] = roc_auc_score(by, basil.text.str.len().values)
    for c in list(scores):
        s = np.array(scores[c])
        res[f'basil_auc_{c}'] = roc_auc_score(by, s)
        res[f'basil_dec_{c}'] = within_decile_auc(by, s, lengths)
    res['basil_top1_in_span'] = float(np.mean(span_hit))
    main = cfg.get('combiner', 'noisy_or')
    s = np.array(scores[main])
    res['basil_auc_ci'] = boot_auc(by, s)
    res['basil_mcc_best'] = best_threshold(by, s, matthews_corrcoef)
    res['basil_by_year'] = {int(yr): roc_auc_score(by[m], s[m]) for yr in sorted(set(basil.year)) for m in [(basil.year == yr).values]}
    # ---- BABE 10-fold CV of the sentence decision
    if cfg.get('babe_cv', False):
        rng = np.random.default_rng(42)
        folds = np.zeros(len(d), int)
        for lab in (0, 1):
            ii = np.where(d.y.values == lab)[0]
            rng.shuffle(ii)
            folds[ii] = np.arange(len(ii)) % 10
        oof = {c: np.zeros(len(d)) for c in COMBINERS}
        for f in range(10):
            tr = np.where(folds != f)[0]
            te = np.where(folds == f)[0]
            fzf = WordFeaturizer(cfg)
            clf_f, names_f = fit_word_model(fzf, d, tr, cfg)
            for i in te:
                t, ex, p = word_probs(fzf, clf_f, names_f, d.text[i])
                for c in COMBINERS:
                    oof[c][i] = combine(p, c, len(ex))
        y = d.y.values
        for c in COMBINERS:
            res[f'babe_auc_{c}'] = roc_auc_score(y, oof[c])
            f1, t = best_threshold(y, oof[c], lambda a, b: f1_score(a, b, average='macro'))
            res[f'babe_f1best_{c}'] = (f1, t)
        np.save(os.path.join(CACHE, 'oof_%s.npy') % cfg.get('name', 'x'), np.array([oof[c] for c in COMBINERS]))
        # MCC/F1 on BASIL at the BABE-chosen threshold (main combiner)
        t = res[f'babe_f1best_{main}'][1]
        res['basil_at_babe_threshold'] = {'threshold': t, 'mcc': matthews_corrcoef(by, s >= t),
                                          'f1': f1_score(by, s >= t), 'flagged': float(np.mean(s >= t))}
    np.save(os.path.join(CACHE, 'basil_%s.npy') % cfg.get('name', 'x'), np.array([scores[c] for c in COMBINERS]))
    return res


if __name__ == '__main__':
    cfg = json.loads(sys.argv[1])
    r = run(cfg)
    print(json.dumps(r, default=float))
