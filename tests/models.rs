//! Learned scorers: orientation of the positive class, model file
//! round-trips, refusal of incompatible or damaged files, determinism, and
//! the direction of predictions on handmade sentences.

use slant::scorers::loaded::{Combiner, LoadedData, LoadedModel, LoadedParams};
use slant::scorers::model_file::ModelFile;
use slant::scorers::outlet::{OutletData, OutletMethod, OutletModel, OutletParams};
use slant::scorers::textfeat::{Featurizer, VoiceFilter};
use slant::scorers::wordfeat::CorpusStats;
use std::path::Path;

mod common;

const CALM: &[&str] = &[
    "The senator said the bill passed on Tuesday.",
    "Officials said the meeting was held in Paris.",
    "The report was published on Monday.",
    "The committee said it would vote next week.",
    "The company reported quarterly earnings on Thursday.",
    "The court scheduled a hearing for next month.",
];
/// Loaded sentences with the words an annotator would mark.
const LOADED: &[(&str, &[&str])] = &[
    (
        "The radical senator's disgraceful bill is a shameful attack.",
        &["disgraceful", "shameful"],
    ),
    (
        "Corrupt elites slammed the outrageous, dangerous plan.",
        &["corrupt", "slammed", "outrageous"],
    ),
    (
        "The disastrous plan is a shameful betrayal by extremists.",
        &["disastrous", "shameful", "betrayal"],
    ),
    (
        "Radical extremists pushed an outrageous, disgraceful scheme.",
        &["outrageous", "disgraceful"],
    ),
    (
        "The shameful, corrupt regime launched a brutal crackdown.",
        &["shameful", "corrupt", "brutal"],
    ),
    (
        "Hysterical zealots spread dangerous, outrageous lies.",
        &["hysterical", "zealots", "lies"],
    ),
];

fn small_params() -> LoadedParams {
    LoadedParams {
        alphas: vec![0.5],
        combiners: vec![Combiner::NoisyOr],
        folds: 2,
        min_count: 1,
        ..LoadedParams::default()
    }
}

fn fit(texts: &[(&str, &[&str])]) -> (Featurizer, LoadedModel) {
    let fz = Featurizer::new();
    let stats = CorpusStats::new(0, 1, vec![]);
    let data = LoadedData::from_texts(&fz, &stats, texts);
    let (model, _) = small_params()
        .check()
        .unwrap()
        .fit(&data, stats, None)
        .unwrap();
    (fz, model)
}

fn probability(fz: &Featurizer, m: &LoadedModel, text: &str) -> f64 {
    let mut ws = fz.workspace();
    m.score_text(fz, &mut ws, text).probability
}

fn decision(fz: &Featurizer, m: &LoadedModel, text: &str) -> f64 {
    let mut ws = fz.workspace();
    m.score_text(fz, &mut ws, text).decision
}

const NONE: &[&str] = &[];

/// linfa-logistic (the decision model) makes the more frequent (or, on a
/// tie, the first seen) label its positive class, and the word model is
/// fitted by slant's sparse solver. Whatever the order and balance of the
/// rows, both probabilities must be P(loaded).
#[test]
fn positive_class_is_loaded_whatever_the_row_order_and_balance() {
    let probe_loaded = "An outrageous, disgraceful attack by radical extremists.";
    let probe_calm = "The committee met on Monday.";
    let loaded = || LOADED.iter().copied();
    let calm = || CALM.iter().map(|t| (*t, NONE));
    let layouts: Vec<Vec<(&str, &[&str])>> = vec![
        // Loaded rows first (tie: linfa's positive class is `true`).
        loaded().chain(calm()).collect(),
        // Calm rows first (tie: linfa's positive class is `false`).
        calm().chain(loaded()).collect(),
        // Calm majority, loaded first.
        loaded().take(4).chain(calm()).collect(),
    ];
    for texts in layouts {
        let (fz, m) = fit(&texts);
        let (pl, pc) = (
            probability(&fz, &m, probe_loaded),
            probability(&fz, &m, probe_calm),
        );
        assert!(pl > pc, "P(loaded) {pl} should exceed {pc}");
        let (dl, dc) = (
            decision(&fz, &m, probe_loaded),
            decision(&fz, &m, probe_calm),
        );
        assert!(dl > dc, "decision {dl} should exceed {dc}");
    }
}

fn training_texts() -> Vec<(&'static str, &'static [&'static str])> {
    LOADED
        .iter()
        .copied()
        .chain(CALM.iter().map(|t| (*t, NONE)))
        .collect()
}

#[test]
fn loaded_model_round_trips_and_is_deterministic() {
    let texts = training_texts();
    let (fz, m) = fit(&texts);
    let json = m.to_json().unwrap();
    let back = LoadedModel::from_json(Path::new("m.json"), &json).unwrap();
    assert_eq!(
        back.to_json().unwrap(),
        json,
        "byte-identical after a round trip"
    );
    for t in LOADED.iter().map(|t| t.0).chain(CALM.iter().copied()) {
        assert_eq!(probability(&fz, &m, t), probability(&fz, &back, t));
    }
    let (_, again) = fit(&texts);
    assert_eq!(
        again.to_json().unwrap(),
        json,
        "same data and seed, same bytes"
    );
    // Whatever the thread count.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (_, single) = pool.install(|| fit(&texts));
    assert_eq!(single.to_json().unwrap(), json, "one thread, same bytes");
}

/// The words the model reads as loaded are the marked kind of word, and
/// their spans point at them in the original text.
#[test]
fn loaded_words_point_at_the_loaded_words() {
    let (fz, m) = fit(&training_texts());
    let mut ws = fz.workspace();
    let text = "Officials said the outrageous, disgraceful plan failed.";
    let s = m.score_text(&fz, &mut ws, text);
    let words: Vec<&str> = s
        .words
        .iter()
        .map(|w| &text[w.start as usize..w.end as usize])
        .collect();
    assert!(words.contains(&"disgraceful"), "{words:?}");
    assert!(!words.contains(&"Officials") && !words.contains(&"said"));
}

#[test]
fn damaged_or_incompatible_loaded_models_are_refused() {
    let (_, m) = fit(&training_texts());
    let json = m.to_json().unwrap();
    let p = Path::new("models/loaded-language.json");
    let e = LoadedModel::from_json(
        p,
        &json.replace("\"format_version\": 1", "\"format_version\": 99"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("incompatible model") && e.contains("version 99"),
        "{e}"
    );
    let e = LoadedModel::from_json(p, &json[..json.len() - 200])
        .unwrap_err()
        .to_string();
    assert!(e.contains("corrupted"), "{e}");
    let i = json.find("\"intercept\": ").unwrap() + "\"intercept\": ".len();
    // Change one digit of the intercept (whatever its sign), keeping the
    // file valid JSON: only the checksum can catch it.
    let d = i + json[i..].find(|c: char| c.is_ascii_digit()).unwrap();
    let mut tampered = json.clone();
    let new = if &json[d..d + 1] == "1" { "2" } else { "1" };
    tampered.replace_range(d..d + 1, new);
    let e = LoadedModel::from_json(p, &tampered)
        .unwrap_err()
        .to_string();
    assert!(e.contains("checksum"), "{e}");
    let e = OutletModel::from_json(p, &json).unwrap_err().to_string();
    assert!(e.contains("expected a `outlet-slant` model"), "{e}");
    let e = LoadedModel::from_json(p, "not json").unwrap_err();
    assert!(e.is_usage() && e.to_string().contains("models/loaded-language.json"));
    // A model of the earlier sentence-level kind is refused with a hint.
    let mut file = m.file().clone();
    file.method = "sentence-level".into();
    let e = LoadedModel::from_file(file, p).unwrap_err().to_string();
    assert!(e.contains("retrain"), "{e}");
    // So is a file of that kind, which has no `method` (and other fields):
    // not "corrupted", but "retrain".
    let earlier = json.replacen("\"method\": \"word-level logistic regression\",", "", 1);
    assert_ne!(earlier, json);
    let e = LoadedModel::from_json(p, &earlier).unwrap_err().to_string();
    assert!(
        e.contains("earlier sentence-level model") && e.contains("retrain"),
        "{e}"
    );
    // Also when read from a file (what `analyze` and `eval` do).
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("loaded-language.json");
    std::fs::write(&old, &earlier).unwrap();
    let e = LoadedModel::load(&old).unwrap_err().to_string();
    assert!(e.contains("retrain it with `slant train loaded`"), "{e}");
}

fn outlet_model(method: OutletMethod) -> OutletModel {
    let docs: Vec<(&str, &str, usize)> = vec![
        ("l1", "Progressive activists demand climate justice now.", 0),
        (
            "l2",
            "Climate justice advocates and progressive groups rallied.",
            0,
        ),
        (
            "l3",
            "Progressive lawmakers pushed climate justice bills.",
            0,
        ),
        (
            "c1",
            "The committee published its quarterly budget report.",
            1,
        ),
        ("c2", "Officials released the quarterly budget figures.", 1),
        ("c3", "The quarterly report was released by officials.", 1),
        (
            "r1",
            "Conservatives defend border security and lower taxes.",
            2,
        ),
        (
            "r2",
            "Border security hawks and conservatives praised tax cuts.",
            2,
        ),
        (
            "r3",
            "Conservatives demand border security and tax cuts.",
            2,
        ),
    ];
    let data = OutletData::from_texts(&docs);
    let params = OutletParams {
        method,
        vocab_sizes: vec![200],
        alphas: vec![0.1],
        min_df: 1,
        min_groups: 1,
        folds: 3,
        inner_folds: 2,
        voice: VoiceFilter::Authorial,
        ..OutletParams::default()
    };
    params
        .check()
        .unwrap()
        .fit_with(&data, &params.fixed_choice())
        .unwrap()
}

#[test]
fn outlet_model_direction_round_trip_and_voice() {
    for method in [OutletMethod::Multinomial, OutletMethod::OutletRidge] {
        outlet_model_checks(method);
    }
}

fn outlet_model_checks(method: OutletMethod) {
    let m = outlet_model(method);
    assert_eq!(m.file().params.method, method);
    let right = m.score_text(
        "Conservatives want border security.",
        VoiceFilter::Authorial,
    );
    let left = m.score_text(
        "Progressive activists want climate justice.",
        VoiceFilter::Authorial,
    );
    assert!(
        right.slant > 0.0 && left.slant < 0.0,
        "{method:?}: {right:?} {left:?}"
    );
    // Class probabilities exist for the multinomial model only.
    assert_eq!(
        right.probabilities.is_some(),
        method == OutletMethod::Multinomial
    );
    // A right-coded phrase inside a quotation does not count for an
    // authorial-voice model.
    let mut a = slant::text::Analyzed::default();
    a.analyze("The report said \"conservatives demand border security\" today.");
    let quoted = m.score(&a);
    assert!(quoted.slant.abs() < right.slant.abs());
    let json = m.to_json().unwrap();
    let back = OutletModel::from_json(Path::new("o.json"), &json).unwrap();
    assert_eq!(back.to_json().unwrap(), json);
    assert_eq!(
        outlet_model(method).to_json().unwrap(),
        json,
        "deterministic"
    );
    // A file whose coefficient rows do not fit its method is refused.
    let mut file = m.file().clone();
    file.params.method = match method {
        OutletMethod::Multinomial => OutletMethod::OutletRidge,
        OutletMethod::OutletRidge => OutletMethod::Multinomial,
    };
    let e = OutletModel::from_file(file, Path::new("o.json"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("o.json") && e.contains("coefficient row"), "{e}");
}

/// The path of a model file shipped in `models/`, or `None` (with a note)
/// when the checkout has none.
fn shipped(file: &str) -> Option<std::path::PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(file);
    if !path.exists() {
        eprintln!("no shipped {file}; skipped");
        return None;
    }
    Some(path)
}

/// Issue 20, acceptance 1 and 2, on the shipped loaded-language card: on
/// BASIL dev (other outlets and years, never trained on) the sentence
/// probability reaches ROC-AUC >= 0.74 and at least 0.08 above sentence
/// length, within-length-decile AUC and the MCC/F1 at the shipped
/// thresholds are recorded, and BABE 10-fold CV macro-F1 of the sentence
/// decision is >= 0.74. When BASIL dev is beside the checkout, the shipped
/// model's figures are recomputed and must equal the card's (what
/// `slant eval` checks). The earlier sentence-level model had no
/// validation figures (its `loaded_mean` ranked BASIL at 0.63).
#[test]
fn shipped_loaded_model_transfers_to_basil_dev() {
    use slant::scorers::loaded::ValidationSet;
    let Some(path) = shipped("loaded-language.json") else {
        return;
    };
    let m = LoadedModel::load(&path).unwrap();
    let metrics = m.file().metrics.as_ref().expect("the card has metrics");
    let v = metrics
        .validation
        .as_ref()
        .expect("the card has BASIL dev validation figures");
    assert_eq!(v.data.name, "sentences.csv");
    let length = v.length_auc.max(v.length_chars_auc);
    assert!(v.roc_auc >= 0.74, "BASIL dev ROC-AUC {}", v.roc_auc);
    assert!(
        v.roc_auc - length >= 0.08,
        "ROC-AUC {} vs sentence length {length}",
        v.roc_auc
    );
    assert!(v.gap_ci.0 > 0.0, "gap interval {:?}", v.gap_ci);
    assert!(v.roc_auc_ci.0 <= v.roc_auc && v.roc_auc <= v.roc_auc_ci.1);
    assert!(v.within_decile_auc > 0.7, "{}", v.within_decile_auc);
    assert!(v.decision_mcc > 0.0 && v.decision_f1 > 0.0);
    assert!(v.words_mcc > 0.0 && v.words_f1 > 0.0);
    // The hyper-parameters were chosen on the validation set.
    assert!(!metrics.selection.is_empty());
    let cv = &metrics.cv;
    assert_eq!((cv.folds, cv.per_fold.len()), (10, 10));
    // Issue 20 asks for 0.74 (the decision's macro-F1, nested: each
    // fold's decision grid point and threshold chosen by inner CV on the
    // other folds).
    assert!(cv.macro_f1 >= 0.74, "BABE 10-fold macro-F1 {}", cv.macro_f1);
    assert!(cv.macro_f1_ci.0 < cv.macro_f1 && cv.macro_f1 < cv.macro_f1_ci.1);
    let grid = &m.file().params;
    for f in &cv.per_fold {
        assert!(grid.decision_alphas.contains(&f.decision_alpha));
        assert!(grid.decision_extras.contains(&f.decision_extras));
    }
    assert!(grid.decision_alphas.contains(&m.file().decision.alpha));

    let Some(shared) = common::shared() else {
        eprintln!("../shared not found; the BASIL dev figures are not recomputed");
        return;
    };
    let dev = shared.join("data/basil-dev/sentences.csv");
    if !dev.is_file() {
        eprintln!("{} not found; not recomputed", dev.display());
        return;
    }
    let fz = Featurizer::new();
    let set = ValidationSet::read(&fz, &m.file().corpus_stats, &dev).unwrap();
    assert_eq!(set.info.sha256, v.data.sha256, "the card's BASIL dev file");
    let r = m.validate(&fz, &set);
    assert_eq!(&r, v, "recomputed BASIL dev figures equal the card's");
}

/// The shipped model (when present): handmade sentences move the way a
/// reader expects.
#[test]
fn shipped_loaded_model_on_handmade_sentences() {
    let Some(path) = shipped("loaded-language.json") else {
        return;
    };
    let m = LoadedModel::load(&path).unwrap();
    let fz = Featurizer::new();
    assert!(
        m.lexicons_match(&fz),
        "the shipped model was trained with other lexicons"
    );
    let pairs = [
        (
            "The senator introduced the bill on Tuesday.",
            "The radical senator rammed through his disgraceful, job-killing bill.",
        ),
        (
            "Protesters gathered outside the courthouse.",
            "Violent mobs of rioters terrorized the courthouse.",
        ),
        (
            "The company said profits fell 5 percent.",
            "The greedy company shamelessly gouged its struggling customers.",
        ),
    ];
    for (calm, loaded) in pairs {
        let (pc, pl) = (probability(&fz, &m, calm), probability(&fz, &m, loaded));
        assert!(
            pl > pc,
            "{loaded:?} ({pl}) should score above {calm:?} ({pc})"
        );
    }
}

/// The shipped outlet-slant model (when present): the same event told in
/// words each side favours moves the slant the expected way.
#[test]
fn shipped_outlet_model_on_handmade_sentences() {
    let Some(path) = shipped("outlet-slant.json") else {
        return;
    };
    let m = OutletModel::load(&path).unwrap();
    let pairs = [
        (
            "Undocumented immigrants and asylum seekers face new hardship under the policy.",
            "Illegal aliens keep pouring across the open border under the policy.",
        ),
        (
            "Right-wing extremists and white nationalists rallied against the LGBTQ community.",
            "Radical leftists and antifa thugs rioted against the police.",
        ),
        (
            "Communities of color bear the brunt of the climate crisis, advocates say.",
            "Obamacare mandates and job-killing regulations hurt small businesses.",
        ),
    ];
    for (left, right) in pairs {
        let (l, r) = (
            m.score_text(left, VoiceFilter::Authorial).slant,
            m.score_text(right, VoiceFilter::Authorial).slant,
        );
        assert!(
            r > l,
            "{right:?} ({r}) should score right of {left:?} ({l})"
        );
    }
}

/// `analyze` scores a document from the main extraction's analysis and
/// vocabulary ids (`Scorers::score_analyzed`); that must give exactly the
/// scores of analyzing the document afresh (`Scorers::score_document`),
/// whatever lexicon and token-size limit the run uses.
#[test]
fn scoring_from_the_main_analysis_equals_scoring_afresh() {
    use slant::corpus::Document;
    use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    use slant::lexicon::Lexicon;
    use slant::scorers::apply::Scorers;

    let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
    assert!(scorers.loaded().is_some() && scorers.outlet().is_some());
    let mut texts: Vec<String> = Vec::new();
    for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            texts.push(std::fs::read_to_string(p).unwrap());
        }
    }
    texts.sort();
    texts.extend(
        [
            "“Radical” extremists — so‑called ‘freedom fighters’ — said: \"This is a disgraceful, shameful plan!!\" :) ;-) wow !! lol :)",
            "ΟΔΟΣ Σοφία ΣΑΣ said the regime's thugs slammed the bill. Supercalifragilisticexpialidociousnessisimus words.",
            "",
            "   \n\n ... !!! ",
        ]
        .map(String::from),
    );
    assert!(texts.len() >= 20);
    let lexicons = [
        Lexicon::builtin(),
        Lexicon::default(),
        slant::lexicon::parse_word_list("punct.txt", "punct", "wow !!\nlol :)\nfreedom fighters\n")
            .map(|c| Lexicon {
                families: vec![],
                categories: vec![c],
                sources: vec![],
            })
            .unwrap(),
    ];
    for lexicon in &lexicons {
        for max_token_bytes in [64, 6] {
            let ex = Extractor::new(
                lexicon,
                FeatureOptions {
                    max_token_bytes,
                    ..FeatureOptions::default()
                },
            );
            let mut ws = Workspace::default();
            let mut agg = Aggregates::new(lexicon);
            let mut fresh = scorers.workspace();
            let mut reused = scorers.workspace();
            for (i, text) in texts.iter().enumerate() {
                let doc = Document {
                    title: (i % 2 == 0).then(|| "Militants and insurgents".to_string()),
                    ..Document::new(i.to_string(), format!("s{}", i % 3), text.clone())
                };
                ex.extract(&doc, &mut ws, &mut agg);
                let a =
                    scorers.score_analyzed(&ws.analyzed, ws.token_ids(), &agg.vocab, &mut reused);
                let b = scorers.score_document(&doc, &mut fresh);
                assert_eq!(a, b, "document {i}, max_token_bytes {max_token_bytes}");
                if !text.trim().is_empty() {
                    assert!(!a.sentences.is_empty() && a.slant.is_some());
                }
            }
        }
    }
}

/// The shipped outlet model stacks each source's mean phrase slant with
/// its framing-family scores; its card's leave-outlets-out figures carry
/// outlet-bootstrap intervals and put the held-out left, center and right
/// outlets in that order.
#[test]
fn shipped_outlet_model_has_a_source_stacker_with_its_card() {
    let Some(path) = shipped("outlet-slant.json") else {
        return;
    };
    let m = OutletModel::load(&path).unwrap();
    let st = m.file().stack.as_ref().expect("a source stacker");
    assert_eq!(st.families.len(), st.family_weights.len());
    assert_eq!(st.families.len(), st.family_means.len());
    assert!(st.phrase_weight > 0.0);
    let card = m.file().metrics.as_ref().unwrap();
    let cv = card.stacked_cv.as_ref().expect("stacked CV in the card");
    for i in 0..3 {
        assert!(
            cv.spearman_ci_low[i] <= cv.spearman[i] && cv.spearman[i] <= cv.spearman_ci_high[i]
        );
        // Adding the family scores ranks held-out outlets better than the phrase score alone.
        assert!(cv.spearman[i] > cv.phrase_spearman[i], "{i}: {cv:?}");
    }
    assert!(cv.spearman[2] >= 0.75, "{}", cv.spearman[2]);
    for means in [cv.label_means, cv.label_means_min20] {
        assert!(means[0] < means[1] && means[1] < means[2], "{means:?}");
    }
}

/// With the shipped models, `sources.csv` gets the stacked `slant` with a
/// document-bootstrap interval around it, then the mean phrase slant.
#[test]
fn stacked_source_values() {
    use slant::scorers::apply::{DocModelSummary, Scorers};
    let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
    let Some(st) = scorers.outlet().and_then(|m| m.file().stack.clone()) else {
        return;
    };
    let no_docs = slant::estimators::models::source_values(&scorers, &[]);
    let header = no_docs.columns;
    let at = |c: &str| header.iter().position(|h| *h == c).unwrap();
    assert!(at("slant") < at("slant_ci_low") && at("slant_ci_high") < at("slant_mean"));
    let gun = st.families.iter().position(|f| f == "gun_policy").unwrap() as u16;
    let doc = |slant: f64, tone: f64| DocModelSummary {
        loaded: Some(0.5),
        slant: Some(slant),
        families: vec![(gun, tone, 2)],
    };
    let docs = vec![(0..12)
        .map(|i| doc(0.01 * i as f64, if i % 2 == 0 { 2.0 } else { -2.0 }))
        .collect::<Vec<_>>()];
    let stats = slant::estimators::models::source_scores(&scorers, &["Herald"], &docs, 7, 200);
    let values = slant::estimators::models::source_values(&scorers, &stats);
    assert_eq!(values.columns, header);
    assert_eq!(values.rows[0].len(), header.len());
    let num = |c: &str| values.rows[0][at(c)].unwrap();
    assert!(num("slant_ci_low") <= num("slant") && num("slant") <= num("slant_ci_high"));
    assert!((num("slant_mean") - 0.055).abs() < 1e-6);
    // The stacker's own score of the same source.
    let input = slant::scorers::stack::SourceInput {
        phrase: 0.055,
        families: st
            .families
            .iter()
            .map(|f| {
                if f == "gun_policy" {
                    (0.0, 24.0)
                } else {
                    (0.0, 0.0)
                }
            })
            .collect(),
    };
    assert!((num("slant") - st.score(&input)).abs() < 1e-5);
}

/// `analyze` with the shipped loaded-language model: `sentences.csv`
/// carries each sentence's span, text and loaded words; `evidence.csv`
/// lists the loaded words with offsets into the analyzed text; the HTML
/// report highlights them.
#[test]
fn analyze_reports_the_loaded_words() {
    if shipped("loaded-language.json").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("news.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a1\", \"source\": \"Daily\", \"title\": \"Vote\", \"text\": \"The committee met on Tuesday. The radical thugs slammed the disgraceful plan.\"}\n\
         {\"id\": \"a2\", \"source\": \"Herald\", \"text\": \"Officials said the vote was held on Monday.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("r");
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_slant"))
        .args([
            "analyze",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(["--quiet", "--model-dir", models.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut r = csv::Reader::from_path(out.join("sentences.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        slant::report::models::SENTENCES_HEADER
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    // Title + two sentences, then one sentence.
    assert_eq!(rows.len(), 4);
    let analyzed =
        "Vote\n\nThe committee met on Tuesday. The radical thugs slammed the disgraceful plan.";
    let loaded = &rows[2];
    assert_eq!(
        &loaded[9],
        "The radical thugs slammed the disgraceful plan."
    );
    let (s, e): (usize, usize) = (loaded[3].parse().unwrap(), loaded[4].parse().unwrap());
    assert_eq!(&analyzed[s..e], &loaded[9]);
    assert!(loaded[8].contains("thugs:0."), "{:?}", &loaded[8]);
    let calm = &rows[1];
    let p = |r: &csv::StringRecord| -> f64 { r[5].parse().unwrap() };
    assert!(p(loaded) > p(calm));
    assert_eq!(&loaded[7], "1");
    // Evidence: loaded words with offsets into the analyzed text.
    let mut ev = csv::Reader::from_path(out.join("evidence.csv")).unwrap();
    let words: Vec<csv::StringRecord> = ev
        .records()
        .map(|x| x.unwrap())
        .filter(|r| &r[5] == "loaded_word")
        .collect();
    assert!(!words.is_empty());
    for w in &words {
        assert_eq!((&w[0], &w[6]), ("a1", "loaded_language"));
        let (s, e): (usize, usize) = (w[10].parse().unwrap(), w[11].parse().unwrap());
        assert_eq!(&analyzed[s..e], &w[9]);
        let prob: f64 = w[8].parse().unwrap();
        assert!((0.0..=1.0).contains(&prob));
    }
    assert!(words.iter().any(|w| &w[9] == "thugs"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Most loaded sentences"));
    assert!(html.contains("class=\"loaded-word\""));
    assert!(html.contains(">thugs</mark>"));
}
