//! The application layer: what the web app and the command line both do, with no HTTP in it.
//!
//! - [`scores`]: a stored unit table scored with the scheme's rules under a basis (正式 /
//!   含待审), the stored summaries, rankings and the dashboards' sums;
//! - [`refresh`]: the background refresh of stale summaries, under a lease;
//! - [`reports`]: the one rule from a progress text to the reading and status stored with it;
//! - [`importing`]: a parsed table → an import plan, and each progress text's stored reading;
//! - [`export`]: a stored unit table or ranking → the official document's bytes;
//! - [`reminders`]: 催报, its wording, and the worker that delivers e-mails and webhook posts;
//! - [`secrets`]: passwords (argon2id on two long-lived threads), API tokens and their hashes.
//!
//! The web crate (`jixiao-web`) turns requests into calls of these and renders pages; the CLI
//! calls them directly and uses the web crate only for `serve`.

pub mod export;
pub mod importing;
pub mod refresh;
pub mod reminders;
pub mod reports;
pub mod scores;
pub mod secrets;
