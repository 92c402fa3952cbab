from nested import *
T=source_table(docs,k_fam=10); T['lab']=lab
# quoted rates from per-doc counts? documents.csv lacks quoted category counts; use story sources.csv (same docs, label-free)
st=pd.read_csv('/tmp/slant/story/sources.csv').set_index('source')
for c in CATS:
    if c+'_quoted_rate' in st: T['q_'+c]=st[c+'_quoted_rate'].reindex(T.index).fillna(0)
sa=[c for c in st.columns if c.endswith('story_adjusted_score')]
for c in sa: T['sa_'+c]=st[c].reindex(T.index).fillna(0)
T['quote_share_rr']=st['quote_share'].reindex(T.index)
RR=[c+'_rr' for c in CATS]; Q=['q_'+c for c in CATS if 'q_'+c in T]
base=['r']+FF
for a in [10,30,100]:
  for mt in [5,10,20]:
    show('r+fams k10 a=%g mt=%d'%(a,mt),run(base,alpha=a,min_train=mt,T=T))
print('--- additions (a=30, mt=5 / 20)')
for name,extra in [('rr cats',RR),('quoted cats',Q),('quote_share',['quote_share_rr']),('assertive_rr',['assertive_verb_rr']),
                   ('booster_q',['q_booster']),('loaded_mean',['loaded_mean']),('logtok',['logtok']),('loaded_rr',['loaded_rr']),('attr',['attribution_neutral_rr','attribution_loaded_rr'])]:
    for mt in [5,20]:
        show('+%s mt=%d'%(name,mt),run(base+extra,alpha=30,min_train=mt,T=T))
print('--- story adjusted instead of fams')
for mt in [5,20]:
    show('r+story-adjusted mt=%d'%mt,run(['r']+['sa_'+c for c in sa],alpha=30,min_train=mt,T=T))
