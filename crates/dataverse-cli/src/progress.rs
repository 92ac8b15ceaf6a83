//! Progress display on stderr (only on a terminal and without `-q`).
//!
//! Every line fits the terminal: the message part is `{wide_msg}`, cut to the width left
//! (a terminal that reports 0 columns counts as 80, console's default), so a redraw never
//! wraps and leaves no stale lines; `finish` clears the line.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// The spinner's line: the message takes what is left of the width, cut to fit.
const SPINNER: &str = "{spinner} {elapsed_precise} {wide_msg}";

/// The transfer bar's line: about 60 columns of bar and numbers, then the message cut to fit.
const TRANSFER: &str =
    "{bar:20} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta} {wide_msg}";

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
        if let Ok(style) = ProgressStyle::with_template(SPINNER) {
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
        if let Ok(style) = ProgressStyle::with_template(TRANSFER) {
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

    use super::{SPINNER, TRANSFER};

    /// A terminal of a given width that records what is drawn: the current line, every
    /// line ever written, and whether the last thing done was clearing.
    #[derive(Debug, Clone, Default)]
    struct Screen {
        width: u16,
        lines: Arc<Mutex<Vec<String>>>,
        cleared_last: Arc<Mutex<bool>>,
    }

    impl Screen {
        fn push(&self, s: &str) {
            if let Ok(mut l) = self.lines.lock() {
                l.push(s.to_string());
            }
            if let Ok(mut c) = self.cleared_last.lock() {
                *c = false;
            }
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            self.width
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.push(s);
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.is_empty() {
                self.push(s);
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            if let Ok(mut c) = self.cleared_last.lock() {
                *c = true;
            }
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn check(template: &str, width: u16) {
        let screen = Screen {
            width,
            ..Screen::default()
        };
        let bar = ProgressBar::with_draw_target(
            Some(5 << 30),
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        bar.set_style(ProgressStyle::with_template(template).expect("template"));
        bar.set_position(3 << 29);
        bar.set_message(format!(
            "{} files: {}",
            "12/40",
            "a-long-file-name-".repeat(8)
        ));
        bar.force_draw();
        bar.set_message("short");
        bar.force_draw();
        bar.finish_and_clear();
        let lines = screen.lines.lock().expect("lines").clone();
        assert!(lines.len() >= 2, "{lines:?}");
        for l in &lines {
            assert!(
                l.chars().count() <= usize::from(width),
                "wider than {width}: {l:?}"
            );
        }
        assert!(
            lines.iter().any(|l| l.contains("12/40 files: a-long")),
            "{lines:?}"
        );
        assert!(
            *screen.cleared_last.lock().expect("flag"),
            "cleared at the end"
        );
    }

    #[test]
    fn progress_lines_fit_the_width_and_are_cleared() {
        for width in [80, 100] {
            check(SPINNER, width);
            check(TRANSFER, width);
        }
        check(SPINNER, 40);
    }
}
