//! Demo data: the seed table the project began from (the 2022 progress table of a centre
//! under the Zaozhuang Women's Federation), compiled into the binary from `../shared/fixtures`
//! so that `serve --demo` works on a fresh machine without any file beside the binary.

use anyhow::Context;
use jixiao_store::Store;

/// The seed table as exported to text from Word.
pub const SEED_TXT: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/seed.txt"
));

/// What loading the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoLoad {
    /// The seed was imported.
    Loaded {
        /// Tasks imported.
        tasks: usize,
    },
    /// The database already had schemes; nothing was changed.
    AlreadyHasData,
}

/// Imports the seed into an empty database.
pub async fn load(store: &Store) -> anyhow::Result<DemoLoad> {
    if !store.list_schemes().await?.is_empty() {
        return Ok(DemoLoad::AlreadyHasData);
    }
    let table = jixiao_office::read_bytes("seed.txt", SEED_TXT).context("演示数据无法解析")?;
    let prepared = crate::commands::prepare_import("seed.txt", table, None, None, false)?;
    let outcome = store
        .import_table(&prepared.plan, crate::reading::stored_reading)
        .await
        .context("演示数据无法写入")?;
    Ok(DemoLoad::Loaded {
        tasks: outcome.tasks,
    })
}
