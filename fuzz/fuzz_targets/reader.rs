//! The corpus readers (CSV/TSV, JSONL, text) on arbitrary file contents:
//! no panic, every record either a document or a rejection, counts that
//! reconcile, documents within the size limit and in file order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slant::corpus::{plan, read_inputs, Item, ReadOptions};
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("slant-fuzz-reader-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let name = ["in.csv", "in.jsonl", "in.tsv", "in.txt"][(flags & 3) as usize];
    let path = dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    let opts = ReadOptions {
        max_doc_bytes: if flags & 4 != 0 { 40 } else { 1 << 20 },
        repair: flags & 8 == 0,
        ..ReadOptions::default()
    };
    let Ok(plans) = plan(&[path.clone()], &opts) else {
        return;
    };
    let mut docs = 0u64;
    let mut rejected = 0u64;
    let mut last_record = 0u64;
    let res = read_inputs(&plans, &opts, &mut |item| {
        let origin = match &item {
            Item::Doc(d) => {
                docs += 1;
                assert!(!d.text.trim().is_empty(), "empty document");
                assert!(!d.source.trim().is_empty(), "empty source");
                let size = d.text.len() + d.title.as_ref().map_or(0, |t| t.len() + 2);
                assert!(size <= opts.max_doc_bytes, "document over the limit");
                d.origin.clone()
            }
            Item::Rejected(r) => {
                rejected += 1;
                assert!(!r.reason.is_empty());
                r.origin.clone()
            }
        };
        if origin.record > 0 {
            assert!(origin.record > last_record, "records out of order");
            assert!(origin.line >= 1);
            last_record = origin.record;
        }
    });
    if let Ok(stats) = res {
        let read: u64 = stats.iter().map(|s| s.read).sum();
        assert_eq!(read, docs + rejected, "read != documents + rejected");
        for s in &stats {
            assert_eq!(s.read, s.documents + s.rejected);
        }
    }
});
