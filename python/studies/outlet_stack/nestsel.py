from nested import *
import itertools
IFOLD={}
for (s,o),g in NZ[NZ.outer>=0].groupby(['seed','outer']):
    IFOLD[(s,o)]=g.groupby('source').fold.first()
TK={k:source_table(docs,k_fam=k) for k in (3,10,30)}
for k in TK: TK[k]['lab']=lab
def fit_pred(T,fs,tr,te,rtr,rte,alpha,w=None):
    Xtr=T.loc[tr,fs].copy(); Xtr['r']=rtr[tr]; Xte=T.loc[te,fs].copy(); Xte['r']=rte[te]
    X=Xtr.values; mu=X.mean(0); sd=X.std(0)+1e-12
    m=Ridge(alpha=alpha).fit((X-mu)/sd,T.lab[tr],sample_weight=w)
    return pd.Series(m.predict((Xte.values-mu)/sd),index=Xte.index)
GRID=list(itertools.product([3,10,30],[10,30,100],[5,10,20]))
def crit(pred,T,idx):
    p=pred; n=T.n[idx]
    return 0.5*spearmanr(p[n>=5],T.lab[idx][n>=5])[0]+0.5*spearmanr(p[n>=20],T.lab[idx][n>=20])[0]
fs=FF
allrows=[];chosen=[]
for s in SEEDS:
    fold=FOLD[s]; pred=pd.Series(np.nan,index=T0.index)
    for f in range(5):
        trn=fold!=f; te=fold==f
        rin=R[(s,f)]; ifo=IFOLD[(s,f)]
        best=None
        for (k,a,mt) in GRID:
            T=TK[k]; ip=[]
            for g in range(4):
                itr=trn&(ifo.reindex(T.index)!=g)&(T.n>=mt); ite=trn&(ifo.reindex(T.index)==g)
                ip.append(fit_pred(T,fs,itr,ite,rin,rin,a))
            ip=pd.concat(ip)
            c=crit(ip,T,ip.index)
            if best is None or c>best[0]: best=(c,k,a,mt)
        _,k,a,mt=best; chosen.append((k,a,mt))
        T=TK[k]
        pred[te]=fit_pred(T,fs,trn&(T.n>=mt),te,rin,R[(s,-1)],a)
    T=T0
    r=[spearmanr(pred[T.n>=kk],T.lab[T.n>=kk])[0] for kk in (1,5,20)]
    sel=T.n>=20
    allrows.append(r+[pred[sel&(T.lab==v)].mean() for v in (-1,0,1)])
    print(s,np.round(allrows[-1],3),chosen[-5:])
show('nested selection r+fams',np.array(allrows))
