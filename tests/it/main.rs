//! Integration tests: the real binary and the real web server, on a fresh database each.
//!
//! Every test that touches a database runs on SQLite, and on PostgreSQL too when
//! `JIXIAO_TEST_PG_URL` is set (CI sets it; `JIXIAO_REQUIRE_PG=1` makes its absence a failure).
//! New tests go in the module named after the feature they exercise.

mod admin;
mod api;
mod audit;
mod bad_input;
mod browser;
mod checks;
mod deadlines;
mod demo;
mod durability;
mod export;
mod import;
mod matrix;
mod operations;
mod read;
mod reminders;
mod routing;
mod scores;
mod setup;
mod support;
mod web;
mod workflow;
mod worklist;
