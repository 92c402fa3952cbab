//! The out-of-domain validation set (BASIL-style sentences with marked spans).

use super::*;

/// A validation set: sentences from other outlets and years with a
/// sentence label and the annotated spans (BASIL's `lexical_bias` and
/// `lexical_spans`), read from a CSV with the columns `text`,
/// `lexical_bias` (0/1), and optionally `lexical_spans` and `year`. Used to
/// choose hyper-parameters and to estimate transfer, never to train.
///
/// ```
/// use slant::scorers::loaded::ValidationSet;
/// use slant::scorers::textfeat::Featurizer;
/// use slant::scorers::wordfeat::CorpusStats;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("dev.csv");
/// std::fs::write(&path, "id,year,text,lexical_bias,lexical_spans\n\
///     a,2010,The vote was held on Tuesday.,0,\n\
///     b,2011,\"A shameful, reckless plan.\",1,shameful\n").unwrap();
/// let v = ValidationSet::read(&Featurizer::new(), &CorpusStats::new(0, 1, vec![]), &path).unwrap();
/// assert_eq!((v.info.rows, v.info.positives), (2, 1));
/// assert_eq!(v.years, ["2010", "2011"]);
/// assert_eq!(v.spans[1], "shameful");
/// std::fs::write(&path, "text,lexical_bias\nOne.,maybe\n").unwrap();
/// let err = ValidationSet::read(&Featurizer::new(), &CorpusStats::new(0, 1, vec![]), &path);
/// assert!(err.unwrap_err().to_string().contains("line 2"));
/// ```
#[derive(Debug, Clone)]
pub struct ValidationSet {
    /// Provenance.
    pub info: ValidationInfo,
    /// Featurised rows (labels from `lexical_bias`).
    pub data: LoadedData,
    /// Annotated spans per row, lower-cased (empty when none).
    pub spans: Vec<String>,
    /// Year per row (empty without the column).
    pub years: Vec<String>,
    /// The texts.
    pub texts: Vec<String>,
}

impl ValidationSet {
    /// Read and featurise a validation CSV.
    pub fn read(fz: &Featurizer, stats: &CorpusStats, path: &Path) -> Result<ValidationSet> {
        let bad = |line: u64, msg: String| {
            Error::new(ErrorKind::Input {
                path: path.to_path_buf(),
                message: format!("line {line}: {msg}"),
            })
        };
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes));
        let header = r.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(text), Some(label)) = (col("text"), col("lexical_bias")) else {
            return Err(bad(
                1,
                "a validation file needs the columns text and lexical_bias".into(),
            ));
        };
        let (spans_c, year_c) = (col("lexical_spans"), col("year"));
        let mut texts = Vec::new();
        let mut labels = Vec::new();
        let mut spans = Vec::new();
        let mut years = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                bad(line, e.to_string())
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let y = match rec.get(label).map(str::trim) {
                Some("1") => true,
                Some("0") => false,
                other => {
                    return Err(bad(
                        line,
                        format!("lexical_bias must be 0 or 1, not {:?}", other.unwrap_or("")),
                    ))
                }
            };
            texts.push(rec.get(text).unwrap_or("").to_string());
            labels.push(y);
            spans.push(
                spans_c
                    .and_then(|c| rec.get(c))
                    .unwrap_or("")
                    .to_lowercase()
                    .replace('\u{2019}', "'"),
            );
            years.push(year_c.and_then(|c| rec.get(c)).unwrap_or("").to_string());
        }
        let lex = LexCats::new(fz.lexicon());
        let feats: Vec<_> = texts
            .par_iter()
            .map_init(
                || (fz.workspace(), UnitScratch::default()),
                |(ws, us), t| {
                    let f = fz.analyze_text(t, ws);
                    featurise_row(fz, &lex, ws.analyzed(), &f.matches, us)
                },
            )
            .collect();
        let mut data = LoadedData::default();
        for ((words, dense), &y) in feats.into_iter().zip(&labels) {
            data.push_row(stats, words, dense, y, &[]);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        Ok(ValidationSet {
            info: ValidationInfo {
                name,
                sha256: model_file::file_sha256(path)?,
                rows: labels.len() as u64,
                positives: labels.iter().filter(|&&y| y).count() as u64,
            },
            data,
            spans,
            years,
            texts,
        })
    }
}

/// When a loaded-language file of another method (the earlier
/// sentence-level model has no `method` field) fails to read as this one,
/// the error that says so: retrain. `None` for anything else (only looked
/// at once reading has failed, so it costs nothing on good files).
pub(super) fn earlier_method(path: &Path, text: &str) -> Option<Error> {
    #[derive(Deserialize)]
    struct Probe {
        kind: Option<String>,
        model: Option<ProbeModel>,
    }
    #[derive(Deserialize)]
    struct ProbeModel {
        method: Option<String>,
    }
    let p: Probe = serde_json::from_str(text).ok()?;
    let method = p.model?.method;
    if p.kind.as_deref() != Some(KIND) || method.as_deref() == Some(METHOD) {
        return None;
    }
    Some(Error::new(ErrorKind::Model {
        path: path.to_path_buf(),
        message: format!(
            "a loaded-language model of another method ({}), this slant reads {METHOD:?}; retrain it with `slant train loaded`",
            method.as_deref().unwrap_or("the earlier sentence-level model")
        ),
    }))
}
