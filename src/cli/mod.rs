//! The command line's arguments (clap): the subcommands, and the analysis
//! options turned into `slant::app::RunOptions`.

pub(crate) mod commands;
pub(crate) mod options;
