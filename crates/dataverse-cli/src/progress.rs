//! Progress display on stderr (only on a terminal and without `-q`).
//!
//! Every line fits the terminal: the message part is `{wide_msg}`, cut to the width left
//! (a terminal that reports 0 columns counts as 80, console's default), so a redraw never
//! wraps and leaves no stale lines; `finish` clears the line.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner with a counter message; a no-op when hidden.
#[derive(Clone)]
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// Shown only when stderr is a terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Spinner {
        if quiet || !std::io::stderr().is_terminal() {
            return Spinner { bar: None };
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed_precise} {wide_msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner { bar: Some(bar) }
    }

    /// Replace the message.
    pub fn set_message(&self, msg: String) {
        if let Some(b) = &self.bar {
            b.set_message(msg);
        }
    }

    /// Print a line on stderr above the spinner (no redraw junk).
    #[allow(dead_code)]
    pub fn note(&self, line: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Remove the spinner.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// A byte-transfer bar: bytes done of the total, rate, time left, and a message (the
/// file, or files done of all); a no-op when hidden (stderr not a terminal, or `-q`).
#[derive(Clone)]
pub struct Transfer {
    bar: Option<ProgressBar>,
}

impl Transfer {
    /// Shown only when stderr is a terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Transfer {
        if quiet || !std::io::stderr().is_terminal() {
            return Transfer { bar: None };
        }
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:20} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta} {wide_msg}",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Transfer { bar: Some(bar) }
    }

    /// Set bytes done and, when known, the total.
    pub fn set(&self, done: u64, total: Option<u64>) {
        if let Some(b) = &self.bar {
            if let Some(t) = total {
                b.set_length(t);
            }
            b.set_position(done);
        }
    }

    /// A callback for the library's `(done, total)` progress, offset by bytes of files
    /// already finished and adding their sizes to the total.
    pub fn callback(
        &self,
        base: u64,
        base_total: u64,
    ) -> impl Fn(u64, Option<u64>) + Send + Sync + 'static {
        let me = self.clone();
        move |done, total| me.set(base + done, total.map(|t| base_total + t))
    }

    /// Replace the message.
    pub fn set_message(&self, msg: String) {
        if let Some(b) = &self.bar {
            b.set_message(msg);
        }
    }

    /// Print a line on stderr above the bar (no redraw junk).
    #[allow(dead_code)]
    pub fn note(&self, line: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Remove the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
