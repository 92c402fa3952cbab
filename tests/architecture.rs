//! The library's modules follow the data: corpus → text → lexicon →
//! features → scorers → estimators → report → app, with `error` and
//! `stats` beneath them all. A module may use the ones before it, never
//! one after it, and modules do not import each other in a circle. These
//! tests read the sources (outside their unit tests) and check both.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first.
const LAYERS: &[&str] = &[
    "error",
    "stats",
    "corpus",
    "text",
    "lexicon",
    "features",
    "scorers",
    "estimators",
    "report",
    "app",
    // The binary's arguments (`src/cli/`, beside `main.rs`), above the library.
    "cli",
];

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file (`src/corpus/gate.rs` → `corpus::gate`,
/// `src/corpus/mod.rs` → `corpus`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and its `#[cfg(test)]` part.
fn code(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names: `crate::a::b` as `[a, b]`, `super::x` resolved
/// against the file's module (first two segments at most).
fn references(module: &[String], code: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .take(2)
            .map(|p| {
                p.chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|p| !p.is_empty())
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let path = ident(&code[i + "crate::".len()..]);
        if !path.is_empty() {
            out.insert(path);
        }
    }
    for (i, _) in code.match_indices("super::") {
        if code[..i].ends_with("super::") {
            continue; // `super::super::` is not used in this crate
        }
        let mut path: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
        path.extend(ident(&code[i + "super::".len()..]));
        if !path.is_empty() {
            out.insert(path);
        }
    }
    out
}

fn sources() -> Vec<(Vec<String>, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .iter()
        .map(|f| {
            let m = module_of(&src, f);
            (m, code(&std::fs::read_to_string(f).unwrap()))
        })
        .filter(|(m, _)| !m.is_empty() && m[0] != "main" && m[0] != "lib")
        .collect()
}

#[test]
fn no_module_imports_one_above_it() {
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut wrong = Vec::new();
    for (module, code) in sources() {
        let me = rank(&module[0]).unwrap_or_else(|| {
            panic!(
                "module `{}` is not in the layer list of tests/architecture.rs",
                module[0]
            )
        });
        for r in references(&module, &code) {
            if let Some(t) = rank(&r[0]) {
                if t > me {
                    wrong.push(format!("{} uses {}", module.join("::"), r.join("::")));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the flow:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn modules_do_not_import_each_other_in_a_circle() {
    let all: Vec<(Vec<String>, String)> = sources();
    let known: BTreeSet<Vec<String>> = all.iter().map(|(m, _)| m.clone()).collect();
    // A reference names the deepest known module on its path; references to
    // a module's own parent or children are its own business.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &all {
        let me = module.join("::");
        let edges = graph.entry(me.clone()).or_default();
        for mut r in references(module, code) {
            while !r.is_empty() && !known.contains(&r) {
                r.pop();
            }
            let t = r.join("::");
            if r.is_empty()
                || t == me
                || me.starts_with(&format!("{t}::"))
                || t.starts_with(&format!("{me}::"))
            {
                continue;
            }
            edges.insert(t);
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        v: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(v.to_string(), 1);
        stack.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            match state.get(w.as_str()).copied().unwrap_or(0) {
                0 => {
                    if let Some(c) = visit(w, g, state, stack) {
                        return Some(c);
                    }
                }
                1 => {
                    let at = stack.iter().position(|s| s == w).unwrap();
                    let mut c = stack[at..].to_vec();
                    c.push(w.clone());
                    return Some(c);
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(v.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for v in graph.keys() {
        if state.get(v.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(v, &graph, &mut state, &mut Vec::new()) {
                panic!("import circle: {}", c.join(" → "));
            }
        }
    }
}

/// The checks see what they should: an import against the flow and a
/// circle are found in made-up sources.
#[test]
fn the_checks_can_fail() {
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let refs = references(
        &m("corpus::gate"),
        "use crate::report::fmt_f;\nuse super::plan::X;",
    );
    assert!(refs.contains(&m("report::fmt_f")));
    assert!(refs.contains(&m("corpus::plan")));
    let c = code("use crate::app::x;\n// crate::report::y\n#[cfg(test)]\nmod tests { use crate::report::z; }");
    let refs = references(&m("corpus"), &c);
    assert_eq!(refs.into_iter().collect::<Vec<_>>(), vec![m("app::x")]);
}
