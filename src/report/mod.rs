//! Writing reports: CSV files with a fixed column order, `run.json`, and
//! the staging directory that makes a run's output appear all at once.
//!
//! Every CSV is UTF-8 with one header row, snake_case columns and `.` as
//! the decimal mark; a missing value is an empty cell. Text that came from
//! the input (ids, sources, titles, matched words, context) is neutralised
//! against spreadsheet formula injection unless [`CsvStyle::raw`] is set.

mod columnar;
pub(crate) mod csvout;
mod examples;
pub(crate) mod groups;
pub mod html;
mod levels;
mod min_docs;
pub mod models;
mod referents;
mod rows;
mod scaling;
mod staging;
pub(crate) mod tables;
mod timeseries;

pub use columnar::{
    column_type, write_parquet_outputs, ColumnType, OutputFormat, PER_DOCUMENT_FILES,
};
pub use csvout::{fmt_f, fmt_f_into, safe_cell, CsvStyle};
pub use examples::{
    resolve_label_examples, Example, Examples, LabelExample, LoadedExample,
    MAX_LABEL_SENTENCE_BYTES, MAX_SENTENCE_BYTES,
};
pub use html::{time_section, TIME_SOURCES};
pub(crate) use levels::ser_level;
pub use levels::{auto_levels, EvidenceLevel, OutputLevels, SentenceLevel, AUTO_DETAIL_LIMIT};
pub use min_docs::{drop_small_sources, too_small, SmallSources};
pub use referents::{referent_family_rows, REFERENT_FAMILIES_HEADER};
pub use rows::{
    document_header, document_row, document_row_extra, evidence_header, evidence_row,
    link_evidence, loaded_word_row, rejected_row, relink_documents, EVIDENCE_LINK_COLUMNS,
    LINK_KEY_COLUMN, REJECTED_HEADER,
};
pub use scaling::{scaling_rows, SCALING_HEADER, SCALING_WORDS_HEADER};
pub use staging::{Staging, REPORT_FILES};
pub use tables::{
    boilerplate_rows, duplicate_column, families_rows, labels_rows, sources_header,
    sources_long_rows, sources_rows, sources_table, terms_rows, BOILERPLATE_HEADER, LABELS_HEADER,
    SOURCES_LONG_HEADER,
};
pub use timeseries::{timeseries_rows, TIMESERIES_HEADER};
