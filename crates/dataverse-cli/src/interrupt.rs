//! Ctrl-C: whatever the command is doing, `dv` stops at once with one line on stderr and
//! exit code 130 (`dv serve` handles Ctrl-C itself, as its normal way to stop).
//!
//! The process exits without unwinding, so the `.part` files of interrupted downloads
//! stay where they are and the next run resumes them.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code of an interrupted command (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// What to tell the user after an interruption, set by the command running.
static HINT: Mutex<Option<&'static str>> = Mutex::new(None);

/// Say `hint` after `interrupted: ` if the command is interrupted from now on.
pub fn set_hint(hint: &'static str) {
    if let Ok(mut h) = HINT.lock() {
        *h = Some(hint);
    }
}

/// Whether a prompt with echo turned off is waiting on the terminal (`dv auth login`).
static HIDDEN_INPUT: AtomicBool = AtomicBool::new(false);

/// Say whether a hidden-input prompt is on the terminal: an interruption then turns the
/// terminal's echo back on before exiting, which the prompt itself cannot do.
pub fn hidden_input(on: bool) {
    HIDDEN_INPUT.store(on, Ordering::SeqCst);
}

/// Turn the terminal's echo back on (`stty echo` on `/dev/tty`), after an interrupted
/// hidden prompt. Best effort: without a terminal or `stty` there is nothing to restore.
fn restore_echo() {
    #[cfg(unix)]
    if let Ok(tty) = std::fs::File::open("/dev/tty") {
        let _ = std::process::Command::new("stty")
            .arg("echo")
            .stdin(tty)
            .status();
    }
}

/// The line printed on an interruption.
fn message() -> String {
    match HINT.lock().ok().and_then(|h| *h) {
        Some(hint) => format!("dv: interrupted: {hint}"),
        None => "dv: interrupted".to_string(),
    }
}

/// Watch for Ctrl-C on the runtime's worker threads (so that a command blocked on the
/// main thread, reading stdin say, is still interrupted): print the line and exit 130.
pub fn watch(runtime: &tokio::runtime::Runtime) {
    // Register the handler before the command starts, not when the task is first polled.
    let signal = runtime.block_on(async {
        #[cfg(unix)]
        {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok()
        }
        #[cfg(not(unix))]
        {
            Some(())
        }
    });
    let Some(signal) = signal else {
        // No handler: Ctrl-C keeps its default effect.
        return;
    };
    runtime.spawn(async move {
        #[cfg(unix)]
        {
            let mut signal = signal;
            if signal.recv().await.is_none() {
                return;
            }
        }
        #[cfg(not(unix))]
        {
            let () = signal;
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
        }
        if HIDDEN_INPUT.load(Ordering::SeqCst) {
            restore_echo();
            // The prompt's line was never ended by the user's Enter.
            eprintln!();
        }
        let mut err = std::io::stderr().lock();
        if err.is_terminal() {
            // Clear a progress line drawn on this line.
            let _ = err.write_all(b"\r\x1b[2K");
        }
        let _ = writeln!(err, "{}", message());
        let _ = err.flush();
        std::process::exit(EXIT_INTERRUPTED);
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hint_follows_interrupted() {
        assert_eq!(super::message(), "dv: interrupted");
        super::set_hint("run the same command again to resume");
        assert_eq!(
            super::message(),
            "dv: interrupted: run the same command again to resume"
        );
    }
}
