//! Tauri commands, grouped by domain. Each is a thin adapter: take state,
//! make one engine call on a blocking thread, return a typed result or a
//! [`crate::error::CommandError`].

pub mod project;
