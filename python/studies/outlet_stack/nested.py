from feats import *
from sklearn.linear_model import Ridge
oof,docs=load()
lab=src_labels(oof)
T0=source_table(docs)
T0['lab']=lab
NZ=pd.read_csv('/tmp/slant/oof_nested.csv',dtype={'id':str})
src=oof.source.values
NZ['source']=src[NZ.row.values]
R={}  # (seed, outer) -> Series of source mean
for (s,o),g in NZ.groupby(['seed','outer']):
    R[(s,o)]=g.groupby('source').slant.mean()
FOLD={s:NZ[(NZ.seed==s)&(NZ.outer==-1)].groupby('source').fold.first() for s in SEEDS}
def run(fs, alpha=30.0, min_train=5, seeds=SEEDS, T=None, honest=True, weight=None, ret=False):
    T=T0 if T is None else T
    rows=[]; preds={}
    for s in seeds:
        fold=FOLD[s]; pred=pd.Series(np.nan,index=T.index)
        for f in range(5):
            tr=(fold!=f)&(T.n>=min_train); te=fold==f
            Tr=T.copy(); Tr['r']=R[(s,f) if honest else (s,-1)]
            Te=T.copy(); Te['r']=R[(s,-1)]
            X=Tr.loc[tr,fs].values; mu=X.mean(0); sd=X.std(0)+1e-12
            w=None if weight is None else weight(T.n[tr]).values
            m=Ridge(alpha=alpha).fit((X-mu)/sd,T.lab[tr],sample_weight=w)
            pred[te]=m.predict((Te.loc[te,fs].values-mu)/sd)
        r=[spearmanr(pred[T.n>=k],T.lab[T.n>=k])[0] for k in (1,5,20)]
        sel=T.n>=20
        rows.append(r+[pred[sel&(T.lab==v)].mean() for v in (-1,0,1)])
        preds[s]=pred
    rows=np.array(rows)
    if ret: return rows,preds
    return rows
def show(name,rows):
    print('%-44s all %.3f  >=5 %.3f  >=20 %.3f [%s]  LCR>=20 %s'%(name,*rows[:,:3].mean(0),' '.join('%.3f'%x for x in rows[:,2]),np.round(rows[:,3:].mean(0),3)))
FF=['fam_'+f for f in FAMS]
if __name__=='__main__':
    for a in [10,30,100]:
        show('r+fams honest a=%g'%a,run(['r']+FF,alpha=a))
        show('r+fams outer-oof a=%g'%a,run(['r']+FF,alpha=a,honest=False))
    for mt in [1,2,10,20]:
        show('r+fams honest a=30 min_train=%d'%mt,run(['r']+FF,alpha=30,min_train=mt))
