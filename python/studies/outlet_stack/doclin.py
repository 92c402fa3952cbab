from nested import *
d=docs
def doc_linear(kd, center=True):
    T=T0.copy()
    for f in FAMS:
        m=d[f+'_matches']; s=d[f+'_score'].fillna(0)
        mu=(s*m).sum()/m.sum() if center else 0.0
        v=(s*m+kd*mu)/(m+kd)-mu
        v[m==0]=0.0
        T['dl_'+f]=v.groupby(d.source).mean()
        # tone-weighted count per doc, centred: sum tone*n - mu*n
        T['tw_'+f]=(s*m-mu*m).groupby(d.source).mean()
        T['twl_'+f]=np.log1p((s*m-mu*m).abs()).mul(np.sign(s*m-mu*m)).groupby(d.source).mean()
    return T
DL=['dl_'+f for f in FAMS]; TW=['tw_'+f for f in FAMS]; TWL=['twl_'+f for f in FAMS]
for kd in [0.5,1,2,5]:
    T=doc_linear(kd)
    for mt in [5,20]:
        show('doc-linear kd=%g mt=%d'%(kd,mt),run(['r']+DL,alpha=30,min_train=mt,T=T))
T=doc_linear(1)
for mt in [5,20]:
    show('tw mt=%d'%mt,run(['r']+TW,alpha=30,min_train=mt,T=T))
    show('twl mt=%d'%mt,run(['r']+TWL,alpha=30,min_train=mt,T=T))
for kf in [1,3,10,30]:
    T=source_table(docs,k_fam=kf); T['lab']=lab
    for mt in [5,20]:
        show('source ratio k=%g mt=%d'%(kf,mt),run(['r']+FF,alpha=30,min_train=mt,T=T))
