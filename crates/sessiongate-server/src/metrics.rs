//! Prometheus counters, written by hand: a few atomics need no exporter crate. Every deny reason
//! kind is registered up front, so a dashboard sees a zero rather than no series.

use sessiongate::Reason;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Upper bounds of the store latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// What the service counts.
#[derive(Debug)]
pub(crate) struct Metrics {
    allowed: AtomicU64,
    /// Denies by reason kind, in the order of [`Reason::KINDS`].
    denied: Vec<AtomicU64>,
    /// A deny whose kind is not in [`Reason::KINDS`] (none today).
    denied_other: AtomicU64,
    written: AtomicU64,
    retries: AtomicU64,
    contended: AtomicU64,
    store_errors: AtomicU64,
    timeouts: AtomicU64,
    /// Store round trips per bucket (not cumulative), the last past every bound.
    latency: [AtomicU64; BUCKETS.len() + 1],
    latency_micros: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            allowed: AtomicU64::new(0),
            denied: Reason::KINDS.iter().map(|_| AtomicU64::new(0)).collect(),
            denied_other: AtomicU64::new(0),
            written: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            contended: AtomicU64::new(0),
            store_errors: AtomicU64::new(0),
            timeouts: AtomicU64::new(0),
            latency: Default::default(),
            latency_micros: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// A decision: allow, or deny with its first reason's kind.
    pub(crate) fn decided(&self, deny_reason: Option<&str>, written: bool, retries: u32) {
        match deny_reason {
            None => self.allowed.fetch_add(1, Relaxed),
            Some(kind) => match Reason::KINDS.iter().position(|k| *k == kind) {
                Some(i) => self.denied.get(i).map_or(0, |c| c.fetch_add(1, Relaxed)),
                None => self.denied_other.fetch_add(1, Relaxed),
            },
        };
        if deny_reason == Some("ledger_unavailable") {
            self.store_error();
        }
        if written {
            self.written.fetch_add(1, Relaxed);
        }
        self.retries.fetch_add(u64::from(retries), Relaxed);
    }

    /// A check that gave up after every retry conflicted.
    pub(crate) fn contended(&self) {
        self.contended.fetch_add(1, Relaxed);
    }

    /// A store call that failed.
    pub(crate) fn store_error(&self) {
        self.store_errors.fetch_add(1, Relaxed);
    }

    /// A request cut off by the timeout.
    pub(crate) fn timeout(&self) {
        self.timeouts.fetch_add(1, Relaxed);
    }

    /// How long one decide-and-commit (or read) through the store took.
    pub(crate) fn store_latency(&self, took: Duration) {
        let secs = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        if let Some(c) = self.latency.get(bucket) {
            c.fetch_add(1, Relaxed);
        }
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency_micros.fetch_add(micros, Relaxed);
    }

    /// The exposition text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) -> std::fmt::Result {
        writeln!(
            out,
            "# HELP sessiongate_checks_total Checks decided, by decision and the first deny reason's kind."
        )?;
        writeln!(out, "# TYPE sessiongate_checks_total counter")?;
        writeln!(
            out,
            "sessiongate_checks_total{{decision=\"allow\",reason=\"\"}} {}",
            self.allowed.load(Relaxed)
        )?;
        for (kind, count) in Reason::KINDS.iter().zip(&self.denied) {
            writeln!(
                out,
                "sessiongate_checks_total{{decision=\"deny\",reason=\"{kind}\"}} {}",
                count.load(Relaxed)
            )?;
        }
        writeln!(
            out,
            "sessiongate_checks_total{{decision=\"deny\",reason=\"other\"}} {}",
            self.denied_other.load(Relaxed)
        )?;
        let counters = [
            (
                "sessiongate_commits_total",
                "Allowed checks whose effects were committed or reserved.",
                &self.written,
            ),
            (
                "sessiongate_retries_total",
                "Conflicts met and decided again.",
                &self.retries,
            ),
            (
                "sessiongate_contended_total",
                "Checks that gave up after every retry conflicted (409).",
                &self.contended,
            ),
            (
                "sessiongate_store_errors_total",
                "Store calls that failed (a check then denies ledger_unavailable).",
                &self.store_errors,
            ),
            (
                "sessiongate_timeouts_total",
                "Requests cut off by the request timeout.",
                &self.timeouts,
            ),
        ];
        for (name, help, value) in counters {
            writeln!(out, "# HELP {name} {help}")?;
            writeln!(out, "# TYPE {name} counter")?;
            writeln!(out, "{name} {}", value.load(Relaxed))?;
        }
        let name = "sessiongate_store_seconds";
        writeln!(
            out,
            "# HELP {name} Time of one decide-and-commit or read through the store."
        )?;
        writeln!(out, "# TYPE {name} histogram")?;
        let mut cumulative = 0u64;
        for (bound, count) in BUCKETS.iter().zip(&self.latency) {
            cumulative = cumulative.saturating_add(count.load(Relaxed));
            writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}")?;
        }
        let past = self.latency.last().map_or(0, |c| c.load(Relaxed));
        cumulative = cumulative.saturating_add(past);
        writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}")?;
        let sum = self.latency_micros.load(Relaxed) as f64 / 1e6;
        writeln!(out, "{name}_sum {sum}")?;
        writeln!(out, "{name}_count {cumulative}")
    }
}
