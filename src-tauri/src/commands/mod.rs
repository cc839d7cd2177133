//! Tauri commands, grouped by domain. Each is a thin adapter: take state,
//! make one engine call on a blocking thread, return a typed result or a
//! [`crate::error::CommandError`].

pub mod agreement;
pub mod codebook;
pub mod coding;
pub mod exchange;
pub mod import;
pub mod project;
pub mod reconcile;
pub mod search;
pub mod sources;
pub mod themes;
