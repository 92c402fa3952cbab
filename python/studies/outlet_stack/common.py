import numpy as np, pandas as pd
from scipy.stats import spearmanr
SEEDS=[42,1,2,3]
def load():
    oof=pd.read_csv('/tmp/slant/oof.csv',dtype={'id':str})
    docs=pd.read_csv('/tmp/base/ref/allsides/documents.csv',dtype={'id':str},low_memory=False)
    assert len(oof)==len(docs) and (oof.id.values==docs.id.values).all()
    return oof,docs
def src_labels(oof):
    c=oof.groupby(['source','label']).size().unstack(fill_value=0)
    # majority, ties lower index
    lab=c.values.argmax(1)
    return pd.Series(lab-1,index=c.index)
def boot_ci(x,y,B=2000,seed=0):
    rng=np.random.default_rng(seed); n=len(x); r=[]
    for _ in range(B):
        i=rng.integers(0,n,n)
        if len(set(y[i]))<2: continue
        r.append(spearmanr(x[i],y[i])[0])
    return np.percentile(r,[2.5,97.5])
