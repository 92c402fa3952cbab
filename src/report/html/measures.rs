//! The report's sections beyond the framing families: the lexicon's
//! categories per source (hedges, boosters, attribution verbs, loaded
//! words, tone) beside the learned scores, readable names for the learned
//! scores, and the Wordfish positions (`--scale`).

use super::{escape, thousands, truncate, HtmlInput, MAX_LABEL_CHARS};
use crate::estimators::wordfish::SourceScaling;
use crate::report::csvout::{mean_weight_of, opt_f, rate_of};
use std::fmt::Write as _;

/// Sources with fewer documents than this are marked in the report
/// ("4 docs", "few"), their names greyed, and put after the others in its
/// charts and tables,
/// so that a source with a handful of articles does not top a ranking
/// (its figures stay in the CSV files). 20 documents is what the document
/// bootstrap needs for a 95% percentile interval to rest on more than a
/// few resamples' extremes, and the `--scale-min-docs` default.
///
/// ```
/// assert_eq!(slant::report::html::FEW_DOCS, 20);
/// ```
pub const FEW_DOCS: u64 = 20;

/// Rows of the categories table; the rest are left to `sources.csv`.
pub const MAX_CATEGORY_ROWS: usize = 60;

/// A readable name for a learned score column of `sources.csv`, and the
/// columns of its interval (`None` for a column shown with another).
///
/// ```
/// use slant::report::html::learned_label;
/// assert_eq!(
///     learned_label("loaded_mean"),
///     Some(("Loaded language (mean sentence probability)", Some(("loaded_ci_low", "loaded_ci_high"))))
/// );
/// assert_eq!(learned_label("slant").unwrap().0, "Outlet slant (left −1 … right +1)");
/// assert_eq!(learned_label("loaded_ci_low"), None); // shown with loaded_mean
/// ```
pub fn learned_label(column: &str) -> Option<(&'static str, Option<(&'static str, &'static str)>)> {
    Some(match column {
        "loaded_mean" => (
            "Loaded language (mean sentence probability)",
            Some(("loaded_ci_low", "loaded_ci_high")),
        ),
        "slant" => (
            "Outlet slant (left −1 … right +1)",
            Some(("slant_ci_low", "slant_ci_high")),
        ),
        "slant_mean" => (
            "Mean document slant (phrases only)",
            Some(("slant_ci_low", "slant_ci_high")),
        ),
        "slant_shrunk" => ("Mean document slant, shrunk to the common level", None),
        "loaded_ci_low" | "loaded_ci_high" | "slant_ci_low" | "slant_ci_high" => return None,
        _ => ("", None),
    })
}

/// A number cell to two decimals (`–` when empty or not a number).
fn two(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => format!("{x:.2}").replace('-', "−"),
        _ => "–".into(),
    }
}

/// A learned value to two decimals (`–` when missing or not finite),
/// rounded from its `sources.csv` cell so that the page shows what the
/// file holds.
fn learned_two(v: Option<f64>) -> String {
    two(&opt_f(v))
}

/// The learned scores of source `si` as (name, value with interval) rows:
/// readable names, two decimals. With a stacker, `slant_mean` has no
/// interval of its own (the interval columns are the stacked slant's).
pub(super) fn learned_rows(input: &HtmlInput<'_>, si: usize) -> Vec<(String, String)> {
    let learned = &input.est.learned;
    let cell = |name: &str| learned.get(si, name);
    let stacked = learned.columns.contains(&"slant");
    let mut rows = Vec::new();
    for &h in &learned.columns {
        let Some((label, ci)) = learned_label(h) else {
            continue;
        };
        let label = if label.is_empty() { h } else { label }.to_string();
        let ci = ci.filter(|_| !(h == "slant_mean" && stacked));
        let mut text = learned_two(cell(h));
        if let Some((lo, hi)) = ci {
            let finite = |c| cell(c).filter(|x: &f64| x.is_finite());
            if let (Some(lo), Some(hi)) = (finite(lo), finite(hi)) {
                let _ = write!(
                    text,
                    " [{}, {}]",
                    learned_two(Some(lo)),
                    learned_two(Some(hi))
                );
            }
        }
        rows.push((label, text));
    }
    rows
}

/// The sources in the order the report ranks them when it has no score to
/// order by: those with at least [`FEW_DOCS`] documents first, each group
/// by documents (most first), then name.
pub(super) fn by_documents(input: &HtmlInput<'_>) -> Vec<usize> {
    let docs: Vec<u64> = input.agg.sources.values().map(|a| a.counts.docs).collect();
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| {
        (docs[a] < FEW_DOCS)
            .cmp(&(docs[b] < FEW_DOCS))
            .then_with(|| docs[b].cmp(&docs[a]))
            .then_with(|| a.cmp(&b))
    });
    order
}

/// Whether source `si` has fewer than [`FEW_DOCS`] documents.
pub(super) fn few_docs(input: &HtmlInput<'_>, si: usize) -> bool {
    input
        .agg
        .sources
        .values()
        .nth(si)
        .is_some_and(|a| a.counts.docs < FEW_DOCS)
}

/// The badge after a source with few documents.
pub(super) fn few_badge(docs: u64) -> String {
    format!(
        " <span class=\"badge few-docs\" title=\"fewer than {FEW_DOCS} documents: figures rest on little text\">{docs} doc{}</span>",
        if docs == 1 { "" } else { "s" }
    )
}

/// Background of a rate cell: orange when the source uses the category
/// more than all sources pooled, blue when less, stronger the further off
/// (log₂ of the ratio, saturating at 1.5, three times or a third).
fn shade(rate: f64, pooled: f64) -> String {
    if pooled.is_nan() || pooled <= 0.0 || !rate.is_finite() {
        return String::new();
    }
    let r = (rate.max(pooled / 8.0) / pooled).log2().clamp(-1.5, 1.5);
    let a = (r.abs() / 1.5 * 0.55).min(0.55);
    if a < 0.03 {
        return String::new();
    }
    let rgb = if r > 0.0 { "230,120,40" } else { "60,130,200" };
    format!(" style=\"background:rgba({rgb},{a:.2})\"")
}

/// The "Categories per source" section.
pub(super) fn categories(s: &mut String, input: &HtmlInput<'_>) {
    let lex = input.lex;
    let agg = input.agg;
    let total = agg.total();
    // Categories with own-voice matches somewhere.
    let cats: Vec<usize> = (0..lex.categories.len())
        .filter(|&ci| total.categories.get(ci).is_some_and(|c| c[0] > 0))
        .collect();
    s.push_str("<section id=\"categories\"><h2>Categories per source</h2>");
    if cats.is_empty() {
        s.push_str(
            "<p class=\"note\">No own-voice matches of any category of the lexicon.</p></section>\n",
        );
        return;
    }
    let id_of = |ci: usize| lex.categories[ci].id.as_str();
    let attribution = (
        (0..lex.categories.len()).find(|&ci| id_of(ci) == "attribution_neutral"),
        (0..lex.categories.len()).find(|&ci| id_of(ci) == "attribution_loaded"),
    );
    let claimed = match attribution {
        (Some(n), Some(l)) => Some((n, l)),
        _ => None,
    };
    s.push_str(
        "<p class=\"note\">How often each source uses the word categories of the lexicon in its own voice: \
matches per 1,000 own-voice tokens (hedges, boosters, factive and assertive verbs, attribution verbs, loaded \
and subjective words, weasel words), shaded against all sources pooled (orange: more often, blue: less often). \
A sentiment category shows its <i>tone</i>, the mean valence of the source&#39;s own-voice sentiment words (VADER: −4 … +4).",
    );
    if claimed.is_some() {
        s.push_str(
            " <i>Claimed</i> is the share of its attribution verbs that colour the speaker or cast doubt \
(<q>claimed</q>, <q>admitted</q>, <q>insisted</q>) rather than report neutrally (<q>said</q>, <q>told</q>).",
        );
    }
    let learned: Vec<(&str, &str)> = ["loaded_mean", "slant"]
        .into_iter()
        .filter(|h| input.est.learned.columns.contains(h))
        .map(|h| {
            (
                h,
                if h == "slant" {
                    "Outlet slant"
                } else {
                    "Loaded language"
                },
            )
        })
        .collect();
    if !learned.is_empty() {
        s.push_str(
            " Beside them, the learned scores: <i>Loaded language</i>, the mean probability that a sentence \
is loaded; <i>Outlet slant</i>, left −1 … right +1 (intervals in each source&#39;s section and in \
<a href=\"sources.csv\">sources.csv</a>).",
        );
    }
    let _ = write!(
        s,
        " Sources with fewer than {FEW_DOCS} documents are marked <span class=\"badge few-docs\">few</span> \
and listed last. Quoted rates and every \
figure are in <a href=\"sources.csv\">sources.csv</a>.</p>"
    );
    s.push_str("<div class=\"scroll\"><table class=\"categories\" id=\"category-table\"><thead><tr><th>source</th><th class=\"num\">docs</th>");
    for &ci in &cats {
        let c = &lex.categories[ci];
        let name = if c.valence {
            format!("{} (tone)", c.id)
        } else {
            c.id.clone()
        };
        let _ = write!(
            s,
            "<th class=\"num\" data-category=\"{}\" title=\"{}\">{}</th>",
            escape(&c.id),
            escape(&c.about),
            escape(&name).replace('_', "_<wbr>")
        );
    }
    if claimed.is_some() {
        s.push_str("<th class=\"num\" data-category=\"claimed\" title=\"loaded attribution verbs / all attribution verbs\">claimed</th>");
    }
    for (h, label) in &learned {
        let _ = write!(
            s,
            "<th class=\"num learned\" data-score=\"{h}\">{label}</th>"
        );
    }
    s.push_str("</tr></thead><tbody>");
    let pooled: Vec<Option<f64>> = cats
        .iter()
        .map(|&ci| rate_of(total.categories[ci][0], total.authorial_tokens))
        .collect();
    let pooled_claimed = claimed.and_then(|(n, l)| {
        let (a, b) = (total.categories[n][0], total.categories[l][0]);
        (a + b > 0).then(|| b as f64 / (a + b) as f64)
    });
    let names: Vec<&String> = agg.sources.keys().collect();
    let order = by_documents(input);
    let shown = order.len().min(MAX_CATEGORY_ROWS);
    for &si in &order[..shown] {
        let c = &agg.sources[names[si]].counts;
        let few = c.docs < FEW_DOCS;
        let _ = write!(
            s,
            "<tr data-source=\"{e}\"{}><td title=\"{e}\">{}</td><td class=\"num\">{}{}</td>",
            if few { " class=\"few-docs\"" } else { "" },
            escape(&truncate(names[si], MAX_LABEL_CHARS + 10)),
            thousands(c.docs),
            if few {
                " <span class=\"badge few-docs\">few</span>"
            } else {
                ""
            },
            e = escape(names[si]),
        );
        for (k, &ci) in cats.iter().enumerate() {
            let cat = &lex.categories[ci];
            let n = c.categories[ci][0];
            if cat.valence {
                let v = mean_weight_of(c.weight_sums[ci][0], n);
                let _ = write!(
                    s,
                    "<td class=\"num\" data-category=\"{}\" data-value=\"{}\">{}</td>",
                    escape(&cat.id),
                    v.map_or(String::new(), |v| format!("{v:.4}")),
                    v.map_or("–".into(), |v| two(&v.to_string()))
                );
                continue;
            }
            let r = rate_of(n, c.authorial_tokens);
            let _ = write!(
                s,
                "<td class=\"num\" data-category=\"{}\" data-value=\"{}\" title=\"{} matches\"{}>{}</td>",
                escape(&cat.id),
                r.map_or(String::new(), |v| format!("{v:.4}")),
                thousands(n),
                match (r, pooled[k]) {
                    (Some(r), Some(p)) if !few => shade(r, p),
                    _ => String::new(),
                },
                r.map_or("–".into(), |v| two(&v.to_string()))
            );
        }
        if let Some((nn, ll)) = claimed {
            let (a, b) = (c.categories[nn][0], c.categories[ll][0]);
            let v = (a + b > 0).then(|| b as f64 / (a + b) as f64);
            let _ = write!(
                s,
                "<td class=\"num\" data-category=\"claimed\" data-value=\"{}\" title=\"{b} of {} attribution verbs\"{}>{}</td>",
                v.map_or(String::new(), |v| format!("{v:.4}")),
                a + b,
                match (v, pooled_claimed) {
                    (Some(v), Some(p)) if !few => shade(v, p),
                    _ => String::new(),
                },
                v.map_or("–".into(), |v| format!("{:.0}%", 100.0 * v))
            );
        }
        for (h, _) in &learned {
            let _ = write!(
                s,
                "<td class=\"num learned\" data-score=\"{h}\">{}</td>",
                learned_two(input.est.learned.get(si, h))
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    if shown < order.len() {
        let _ = write!(
            s,
            "<p class=\"note\">The {shown} sources with the most documents are shown; {} more are in \
<a href=\"sources.csv\">sources.csv</a>.</p>",
            thousands((order.len() - shown) as u64)
        );
    }
    s.push_str("</section>\n");
}

// Scaling chart geometry (SVG user units).
const SW: f64 = 1080.0;
const S_NAME_X: f64 = 236.0;
const S_X0: f64 = 260.0;
const S_W: f64 = 700.0;
const S_ROW: f64 = 20.0;
const S_HEAD: f64 = 34.0;

/// The "Positions (Wordfish)" section: each scaled source's θ with its
/// bootstrap interval, sources ordered by θ.
pub(super) fn scaling(s: &mut String, sc: &SourceScaling) {
    s.push_str("<section id=\"scaling\"><h2>Positions (Wordfish)</h2>");
    let fit = &sc.fit;
    let _ = write!(
        s,
        "<p class=\"note\">Each source&#39;s position θ on the one dimension that best explains its own-voice \
word counts (Wordfish, Slapin &amp; Proksch 2008; {} words), with a 95% parametric-bootstrap interval. \
The direction is fixed by the anchor (left source lower) or by name order; the dimension is whatever \
separates the sources&#39; vocabularies most, which need not be left and right: read it from the words at \
its ends in <a href=\"scaling_words.csv\">scaling_words.csv</a>. {} sources are scaled{}{}.</p>",
        thousands(fit.words.len() as u64),
        thousands(fit.sources.len() as u64),
        if sc.too_small > 0 {
            format!(
                "; {} with too few documents are not",
                thousands(sc.too_small as u64)
            )
        } else {
            String::new()
        },
        if fit.converged {
            String::new()
        } else {
            "; <b>the fit did not converge</b> (see <code>run.json</code>)".into()
        }
    );
    let mut rows: Vec<usize> = (0..fit.sources.len()).collect();
    rows.sort_by(|&a, &b| {
        (fit.sources[a].theta)
            .total_cmp(&fit.sources[b].theta)
            .then_with(|| a.cmp(&b))
    });
    if rows.is_empty() {
        s.push_str("</section>\n");
        return;
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let lo = (rows.iter())
        .filter_map(|&k| finite(fit.sources[k].ci.0).or(finite(fit.sources[k].theta)))
        .fold(f64::INFINITY, f64::min);
    let hi = (rows.iter())
        .filter_map(|&k| finite(fit.sources[k].ci.1).or(finite(fit.sources[k].theta)))
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (-1.0, 1.0)
    };
    let pad = (hi - lo) * 0.04;
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |v: f64| S_X0 + (v.clamp(lo, hi) - lo) / (hi - lo) * S_W;
    let height = S_HEAD + S_ROW * rows.len() as f64 + 20.0;
    let _ = write!(
        s,
        "<svg class=\"chart scaling\" viewBox=\"0 0 {SW} {height}\" width=\"{SW}\" height=\"{height}\" role=\"img\" \
aria-label=\"Wordfish positions of the sources\"><g class=\"head\"><text x=\"{S_X0}\" y=\"14\">position θ ● with 95% interval</text></g><g class=\"axis\">"
    );
    let y1 = S_HEAD + S_ROW * rows.len() as f64;
    // Ticks at round steps.
    let step = nice_step((hi - lo) / 6.0);
    let mut t = (lo / step).ceil() * step;
    while t <= hi + 1e-9 {
        let xt = x(t);
        let zero = t.abs() < step / 2.0;
        let _ = write!(
            s,
            "<line x1=\"{xt:.1}\" y1=\"{}\" x2=\"{xt:.1}\" y2=\"{y1}\" stroke=\"{}\"{}/>\
<text x=\"{xt:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            S_HEAD - 6.0,
            if zero { "#888" } else { "#ddd" },
            if zero {
                ""
            } else {
                " stroke-dasharray=\"2 2\""
            },
            y1 + 14.0,
            format!("{:.1}", if zero { 0.0 } else { t }).replace('-', "−")
        );
        t += step;
    }
    s.push_str("</g>");
    for (row, &k) in rows.iter().enumerate() {
        let p = &fit.sources[k];
        let (name, docs) = &sc.sources[p.index];
        let y = S_HEAD + S_ROW * row as f64;
        let cy = 8.0;
        let _ = write!(
            s,
            "<g class=\"position\" data-source=\"{e}\" data-theta=\"{:.4}\" data-ci-low=\"{:.4}\" data-ci-high=\"{:.4}\" \
transform=\"translate(0 {y})\"><title>{e}: θ = {:.2} [{:.2}, {:.2}], {} documents</title>\
<text class=\"src\" x=\"{S_NAME_X}\" y=\"12\" text-anchor=\"end\">{}</text>",
            p.theta,
            p.ci.0,
            p.ci.1,
            p.theta,
            p.ci.0,
            p.ci.1,
            thousands(*docs),
            escape(&truncate(name, MAX_LABEL_CHARS)),
            e = escape(name),
        );
        if p.ci.0.is_finite() && p.ci.1.is_finite() {
            super::whisker_between(s, x(p.ci.0), x(p.ci.1), cy);
        }
        if p.theta.is_finite() {
            let _ = write!(
                s,
                "<circle class=\"score\" cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"4.5\" fill=\"#1b1b1b\"/>",
                x(p.theta)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s.push_str(
        "<p class=\"note\">Every position is in <a href=\"scaling.csv\">scaling.csv</a>.</p></section>\n",
    );
}

/// A round tick step (1, 2 or 5 times a power of ten) near `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw.is_nan() || raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    p * if m < 1.5 {
        1.0
    } else if m < 3.5 {
        2.0
    } else if m < 7.5 {
        5.0
    } else {
        10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_two_decimals_and_a_true_minus() {
        assert_eq!(two("0.123456"), "0.12");
        assert_eq!(two("-0.5"), "−0.50");
        assert_eq!(two(""), "–");
        assert_eq!(two("NaN"), "–");
    }

    #[test]
    fn shading_follows_the_ratio_to_the_pooled_rate() {
        assert_eq!(shade(1.0, 1.0), "");
        assert!(shade(3.0, 1.0).contains("230,120,40,0.55"));
        assert!(shade(0.5, 1.0).contains("60,130,200"));
        assert_eq!(shade(1.0, 0.0), "");
    }

    #[test]
    fn tick_steps_are_round() {
        assert_eq!(nice_step(0.27), 0.2);
        assert_eq!(nice_step(0.6), 0.5);
        assert_eq!(nice_step(1.2), 1.0);
        assert_eq!(nice_step(0.0), 1.0);
    }
}
