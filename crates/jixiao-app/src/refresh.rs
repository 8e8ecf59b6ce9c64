//! Background refresh of stale score summaries (`scores::refresh_stale`), so that after a
//! change that touches a whole province (a new tolerance, an import) the next ranking or
//! dashboard finds the summaries computed instead of scoring 20,000 units while someone waits.
//!
//! Requests never depend on it: a request that finds a stale summary computes it itself. It
//! runs on one instance at a time: each round first takes or renews a lease in the database
//! (`Store::try_lease`), so several instances on one PostgreSQL do the work once, not once
//! each; if the holder dies, its lease runs out and another instance takes over.

use std::collections::HashMap;
use std::time::Duration;

use jixiao_store::Store;

use crate::scores::{ScoreError, period_summary, refresh_stale};

/// The lease's name.
pub const LEASE: &str = "score-summaries";

/// How long a lease lasts unless renewed; renewed before each period refreshed.
const LEASE_SECONDS: i64 = 60;

/// Fewer stale summaries than this in a period are left to the request that needs them (one
/// batch of tables, a fraction of a second): during a deadline the same few hundred units go
/// stale again every few seconds, and recomputing them in every period each round would take
/// the writers' CPU for nothing.
pub const REFRESH_AT_LEAST: usize = 500;

/// A name for this process in the lease: its address, process id and random bytes (two
/// hosts may run the same address and process id behind one PostgreSQL).
pub fn holder_name(addr: &str) -> String {
    let mut bytes = [0_u8; 8];
    // Without randomness, the clock: containers often share an address and process id.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes = (nanos as u64).to_le_bytes();
    }
    let tag: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{addr}/{}/{tag}", std::process::id())
}

/// Refreshes what went stale, as `holder`.
#[derive(Debug)]
pub struct Refresher {
    store: Store,
    holder: String,
    /// Each scheme's version when all its summaries were last found fresh: an unchanged
    /// scheme is skipped without a query per period.
    fresh_at: HashMap<i64, i64>,
    /// Stale summaries a period needs before this refreshes them.
    at_least: usize,
}

impl Refresher {
    /// A refresher for one instance; `holder` names it in the lease (unique per process).
    pub fn new(store: Store, holder: String) -> Refresher {
        Refresher {
            store,
            holder,
            fresh_at: HashMap::new(),
            at_least: REFRESH_AT_LEAST,
        }
    }

    /// Refreshes a period once it has `n` stale summaries (tests use 1).
    pub fn at_least(mut self, n: usize) -> Refresher {
        self.at_least = n.max(1);
        self
    }

    /// One round over every scheme, newest period first. `Ok(None)` when another instance
    /// holds the lease; otherwise how many unit summaries were recomputed.
    pub async fn round(&mut self) -> Result<Option<usize>, ScoreError> {
        if !self
            .store
            .try_lease(LEASE, &self.holder, LEASE_SECONDS)
            .await?
        {
            self.fresh_at.clear();
            return Ok(None);
        }
        let mut recomputed = 0;
        for scheme in self.store.list_schemes().await? {
            // One scheme that cannot be scored (bad data) must not keep the others stale.
            match self.scheme(scheme.id).await {
                Ok(Some(n)) => recomputed += n,
                Ok(None) => return Ok(Some(recomputed)),
                Err(e) => {
                    tracing::warn!(scheme = scheme.id, error = %e, "score summary refresh failed");
                }
            }
        }
        Ok(Some(recomputed))
    }

    /// Refreshes one scheme's periods, newest first; `Ok(None)` when the lease was lost.
    async fn scheme(&mut self, scheme_id: i64) -> Result<Option<usize>, ScoreError> {
        // Read before the summaries: a write after it makes the next round look again.
        let version = self.store.scheme_version(scheme_id).await?;
        if self.fresh_at.get(&scheme_id) == Some(&version) {
            return Ok(Some(0));
        }
        let mut periods = self.store.periods(scheme_id).await?;
        periods.reverse();
        let mut recomputed = 0;
        for p in &periods {
            if !self
                .store
                .try_lease(LEASE, &self.holder, LEASE_SECONDS)
                .await?
            {
                return Ok(None);
            }
            let started = std::time::Instant::now();
            let n = refresh_stale(&self.store, scheme_id, &p.code, self.at_least).await?;
            if n > 0 {
                tracing::info!(
                    scheme = scheme_id,
                    period = %p.code,
                    units = n,
                    ms = started.elapsed().as_millis() as u64,
                    "score summaries refreshed"
                );
            }
            recomputed += n;
        }
        // When nothing was written meanwhile, the dashboard's sums too (each one read of
        // 20,000 summaries, and the few stale ones left to requests scored on the way);
        // while writes go on, the next quiet round does it.
        if self.store.scheme_version(scheme_id).await? == version {
            for p in &periods {
                period_summary(
                    &self.store,
                    scheme_id,
                    Some(&p.code),
                    None,
                    jixiao_domain::Basis::Official,
                )
                .await?;
            }
        }
        self.fresh_at.insert(scheme_id, version);
        Ok(Some(recomputed))
    }

    /// Runs a round every `every` until the task is dropped; errors are logged, not fatal.
    pub fn spawn(mut self, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = self.round().await {
                    tracing::warn!(error = %e, "score summary refresh failed");
                }
            }
        })
    }
}
