//! `sqlx::migrate!` embeds the migration files when the crate compiles; without this, a new
//! migration file alone would not rebuild the crate and the binary would miss it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
