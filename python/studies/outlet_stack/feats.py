from common import *
FAMS=['armed_group','protest_vs_riot','immigration','abortion','taxes','estate_tax','climate','territory','regime_vs_government','killed_vs_died','police_force','gun_policy','event_severity','war_naming','military_strike','healthcare','welfare','gender_care','election_integrity']
CATS=['hedge','booster','factive_verb','assertive_verb','attribution_neutral','attribution_loaded','loaded','subjective','hedge_list','weasel','sentiment']
def source_table(docs, k_fam=3.0):
    d=docs.copy()
    d['logtok']=np.log1p(d.tokens)
    out={}
    g=d.groupby('source',sort=True)
    out['n']=g.size()
    for c in [c+'_rate' for c in CATS]+['quote_share','loaded_mean','loaded_max','logtok','sentiment_mean']:
        out[c]=g[c].mean()
    # ratio-of-sums rates
    at=g.authorial_tokens.sum()
    for c in CATS:
        out[c+'_rr']=1000*g[c+'_count'].sum()/at.clip(lower=1)
    for f in FAMS:
        m=d[f+'_matches']; s=d[f+'_score'].fillna(0)
        tm=(s*m).groupby(d.source).sum(); mm=m.groupby(d.source).sum()
        mu=tm.sum()/mm.sum()
        out['fam_'+f]=(tm+k_fam*mu)/(mm+k_fam)-mu
        out['fam_n_'+f]=mm
    T=pd.DataFrame(out)
    return T
