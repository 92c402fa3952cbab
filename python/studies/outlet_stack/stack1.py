# quick scan with outer OOF ridge (mildly optimistic for the stacker)
from feats import *
from sklearn.linear_model import Ridge, LogisticRegression
import sys
oof,docs=load()
lab=src_labels(oof)
T=source_table(docs)
T['lab']=lab
def evaluate(feat_sets, min_train=5, alpha=1.0, seeds=SEEDS, verbose=True):
    res={}
    for name,fs in feat_sets.items():
        rows=[]
        for s in seeds:
            T['r']=oof.groupby('source')['slant_%d'%s].mean()
            fold=oof.groupby('source')['fold_%d'%s].first()
            pred=pd.Series(np.nan,index=T.index)
            for f in range(5):
                tr=(fold!=f)&(T.n>=min_train); te=fold==f
                X=T.loc[tr,fs].values; mu=X.mean(0); sd=X.std(0)+1e-12
                m=Ridge(alpha=alpha).fit((X-mu)/sd,T.lab[tr])
                pred[te]=m.predict((T.loc[te,fs].values-mu)/sd)
            r=[spearmanr(pred[T.n>=k],T.lab[T.n>=k])[0] for k in (1,5,20)]
            sel=T.n>=20
            means=[pred[sel&(T.lab==v)].mean() for v in (-1,0,1)]
            rows.append(r+means)
        rows=np.array(rows); res[name]=rows
        if verbose: print('%-40s all %.3f  >=5 %.3f  >=20 %.3f [%s]  LCR>=20 %s'%(name,*rows[:,:3].mean(0),' '.join('%.3f'%x for x in rows[:,2]),np.round(rows[:,3:].mean(0),3)))
    return res
if __name__=='__main__':
    RR=[c+'_rate' for c in CATS]
    FF=['fam_'+f for f in FAMS]
    sets={'ridge only':['r'],
      'r+assertive':['r','assertive_verb_rate'],
      'r+cats':['r']+RR,
      'r+fams':['r']+FF,
      'r+cats+fams':['r']+RR+FF,
      'r+cats+fams+qs+lm':['r']+RR+FF+['quote_share','loaded_mean','logtok'],
      'fams only':FF,
      'cats only':RR,
    }
    for a in [1.0,10.0,30.0]:
        print('alpha',a)
        evaluate(sets,alpha=a)
