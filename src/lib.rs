//! The `jixiao` command line: one binary with a subcommand for every role (serve, import …).
//!
//! Arguments are parsed first (clap, no I/O), then each command opens what it needs. Errors are
//! printed once, short, prefixed with the program name, with a hint where one helps; the exit
//! code is 1 for a failed command and 2 for a usage error.

/// `println!` that returns the I/O error instead of panicking (a closed pipe, as in
/// `jixiao extract | head`, ends the command quietly; see `run`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

pub mod cli;
mod commands;
pub mod demo;

use std::process::ExitCode;

/// Runs the command line with the process's arguments.
pub fn run() -> ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    init_logging(&args);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("jixiao: 无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::dispatch(args)) {
        Ok(code) => code,
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            // The reader of our output went away (`| head`): nothing more to say.
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("jixiao: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(args: &cli::Cli) {
    use tracing_subscriber::EnvFilter;
    let default = match args.command {
        cli::Command::Serve(_) => "info,sqlx=warn",
        // sqlx warns of every statement over a second: a backup or a bulk load is one.
        _ => "warn,sqlx=error",
    };
    let filter = EnvFilter::try_from_env("JIXIAO_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let json = matches!(&args.command, cli::Command::Serve(a) if a.log_format == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        // One JSON object a line, the event's fields at the top level, for log collectors.
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    } else {
        // Colours only for a person at a terminal, not in files and journals.
        use std::io::IsTerminal as _;
        builder
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
}
