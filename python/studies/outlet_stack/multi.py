from nested import *
from sklearn.linear_model import LogisticRegression
import warnings; warnings.filterwarnings('ignore')
T=source_table(docs,k_fam=10); T['lab']=lab
st=pd.read_csv('/tmp/slant/story/sources.csv').set_index('source')
T['quote_share_rr']=st['quote_share'].reindex(T.index)
def runm(fs, C=0.1, min_train=5, seeds=SEEDS, extra_abs=False):
    rows=[]
    for s in seeds:
        fold=FOLD[s]; pred=pd.Series(np.nan,index=T.index)
        for f in range(5):
            tr=(fold!=f)&(T.n>=min_train); te=fold==f
            Tr=T.copy(); Tr['r']=R[(s,f)]; Te=T.copy(); Te['r']=R[(s,-1)]
            if extra_abs: Tr['absr']=Tr.r.abs(); Te['absr']=Te.r.abs()
            X=Tr.loc[tr,fs].values; mu=X.mean(0); sd=X.std(0)+1e-12
            m=LogisticRegression(C=C,max_iter=2000).fit((X-mu)/sd,T.lab[tr])
            P=m.predict_proba((Te.loc[te,fs].values-mu)/sd)
            pred[te]=P[:,2]-P[:,0]
        r=[spearmanr(pred[T.n>=k],T.lab[T.n>=k])[0] for k in (1,5,20)]
        sel=T.n>=20
        rows.append(r+[pred[sel&(T.lab==v)].mean() for v in (-1,0,1)])
    return np.array(rows)
REG=['quote_share_rr','loaded_rr','booster_rr','attribution_neutral_rr','attribution_loaded_rr','hedge_rr','logtok']
for C in [0.03,0.1,0.3,1]:
    for mt in [5,20]:
        show('multi r+fams C=%g mt=%d'%(C,mt),runm(['r']+FF,C=C,min_train=mt))
        show('multi r+fams+reg C=%g mt=%d'%(C,mt),runm(['r']+FF+REG,C=C,min_train=mt))
        show('multi r+fams+|r| C=%g mt=%d'%(C,mt),runm(['r','absr']+FF,C=C,min_train=mt,extra_abs=True))
