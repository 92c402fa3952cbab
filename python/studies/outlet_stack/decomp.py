from feats import *
import json
oof,docs=load(); lab=src_labels(oof)
st=json.load(open('/work/wt/slant/models/outlet-slant.json'))['model']['stack']
k=st['choice']['prior']; d=docs; n=d.groupby('source').size()
r=oof.groupby('source').slant_42.mean()
fam=pd.DataFrame(index=r.index)
for f,mu,w in zip(st['families'],st['family_means'],st['family_weights']):
    m=d[f+'_matches']; s=d[f+'_score'].fillna(0)
    tm=(s*m).groupby(d.source).sum(); mm=m.groupby(d.source).sum()
    fam[f]=w*((tm+k*mu)/(mm+k)-mu)
T=pd.DataFrame({'n':n,'lab':lab,'phrase':st['phrase_weight']*r,'families':fam.sum(1)})
T['total']=st['intercept']+T.phrase+T.families
sel=T.n>=20
print(T[sel].groupby('lab')[['phrase','families','total']].mean().round(3))
print(T[sel&(T.lab==0)].sort_values('total').round(3).to_string())
c=fam[sel&(T.lab==0)].mean().sort_values(); l=fam[sel&(T.lab==-1)].mean(); rr=fam[sel&(T.lab==1)].mean()
print(pd.DataFrame({'center':c,'left':l[c.index],'right':rr[c.index]}).round(3).head(6))
