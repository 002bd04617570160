//! Spreadsheets are read in a child process with resource limits.
//!
//! calamine, which reads them, believes the sizes a file declares: fuzzing found 5.5 KB `.xls`
//! files that make it reserve hundreds of terabytes (the allocation fails and the process
//! aborts, which no code can catch) or hundreds of megabytes, and the archives of `.xlsx` and
//! `.ods` can expand far beyond their size. So `send-bulk` runs its own program again as the
//! hidden `carillon read-sheet`, hands it the file on standard input and takes the rows back
//! in [`carillon_bulk::framing`]. The child limits itself before it reads a byte (address
//! space, processor time, no core dump) and gets none of the parent's environment (which holds
//! secrets); the parent kills it after a wall-clock timeout and takes no more output than the
//! child may hold. However the child ends, the parent gets the rows exactly as reading in
//! process would have given them, or a read error saying the workbook could not be read.

use std::io::{Read, Write};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use carillon_bulk::{Format, ReadError, framing, read_rows};
use clap::Args;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

/// What a child reading one workbook may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Address space, in bytes (`RLIMIT_AS`); also the most output the parent takes.
    pub(crate) memory_bytes: u64,
    /// Processor time (`RLIMIT_CPU`).
    pub(crate) cpu_seconds: u64,
    /// Time from start to end, however it is spent (waiting included).
    pub(crate) wall: Duration,
}

impl Limits {
    /// The limits for reading a file of `size` bytes. A workbook of 100,000 rows of four
    /// columns (2.5 MB of `.xlsx`) reads within 96 MiB of address space and half a second of
    /// processor time: 1 GiB, and 64 bytes more for each byte of the file so that a large
    /// honest workbook is not refused, leave room for any workbook a person sends, while what
    /// a hostile one can take stays bounded by its size.
    pub(crate) fn for_file(size: usize) -> Self {
        let size = u64::try_from(size).unwrap_or(u64::MAX);
        Self {
            memory_bytes: (1_u64 << 30).saturating_add(size.saturating_mul(64)),
            cpu_seconds: 60,
            wall: Duration::from_secs(120),
        }
    }
}

/// Standard error kept from a failed child, for the log.
const STDERR_KEPT: u64 = 4096;

/// `carillon read-sheet`: reads a workbook from standard input and writes its rows, framed, to
/// standard output, within the limits given. Only `send-bulk` runs it.
#[derive(Debug, Args)]
pub(crate) struct ReadSheetArgs {
    /// Most bytes of address space.
    #[arg(long)]
    memory_limit: u64,
    /// Most seconds of processor time.
    #[arg(long)]
    cpu_seconds: u64,
}

/// The child: limits first, then the bytes, then the rows. A read error (a malformed
/// workbook) is framed like rows, and the exit is a success: only a child that could not
/// finish fails.
///
/// # Errors
/// When the limits cannot be set or the pipes fail.
pub(crate) fn read_sheet(args: &ReadSheetArgs) -> Result<()> {
    limit_self(args).context("limiting the spreadsheet reader")?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .context("reading the workbook")?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    framing::frame(read_rows(&bytes, Format::Spreadsheet), |chunk| {
        out.write_all(chunk)
    })
    .context("writing the rows")?;
    out.flush().context("writing the rows")
}

/// Sets this process's limits, never above the hard limits it already has (lowering them is
/// always allowed, raising them is not).
#[cfg(unix)]
fn limit_self(args: &ReadSheetArgs) -> Result<()> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let set = |resource: Resource, soft: u64, hard: u64| {
        let ceiling = getrlimit(resource).maximum;
        let capped = |value: u64| Some(ceiling.map_or(value, |ceiling| value.min(ceiling)));
        setrlimit(
            resource,
            Rlimit {
                current: capped(soft),
                maximum: capped(hard),
            },
        )
    };
    set(Resource::As, args.memory_limit, args.memory_limit)?;
    // At the soft limit the kernel sends SIGXCPU, which ends the process; at the hard one, a
    // second later, SIGKILL, which nothing can catch.
    set(
        Resource::Cpu,
        args.cpu_seconds,
        args.cpu_seconds.saturating_add(1),
    )?;
    // An abort would otherwise leave a core dump behind for every hostile upload.
    set(Resource::Core, 0, 0)?;
    Ok(())
}

/// Without Unix resource limits, the child still keeps an abort away from `send-bulk`, and
/// the parent's timeout and output cap still hold.
#[cfg(not(unix))]
fn limit_self(_: &ReadSheetArgs) -> Result<()> {
    Ok(())
}

/// Reads a workbook in a child process: its rows framed (read them with
/// [`Format::Framed`]), or, when the child did not finish, the framing of a read error that
/// says so.
///
/// # Errors
/// Only when the child cannot be started.
pub(crate) async fn read_isolated(bytes: Vec<u8>, limits: Limits) -> Result<Vec<u8>> {
    let program = std::env::current_exe().context("finding the carillon program")?;
    let mut command = Command::new(&program);
    command
        .arg("read-sheet")
        .arg("--memory-limit")
        .arg(limits.memory_bytes.to_string())
        .arg("--cpu-seconds")
        .arg(limits.cpu_seconds.to_string())
        // It reads untrusted bytes: none of this process's secrets (master key, database
        // URL, provider credentials) go with it.
        .env_clear();
    let cap = usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX);
    let ended = run(command, bytes, limits.wall, cap)
        .await
        .with_context(|| format!("starting the spreadsheet reader ({})", program.display()))?;
    let cause = match ended {
        Ended::Exited { status, stdout, .. }
            if status.success() && framing::is_complete(&stdout) =>
        {
            return Ok(stdout);
        }
        Ended::Exited { status, stderr, .. } => {
            // What it said (an allocation that failed, a panic), without the notes on how to
            // get a backtrace.
            let stderr = String::from_utf8_lossy(&stderr);
            let said: Vec<&str> = stderr
                .lines()
                .filter(|line| !line.trim().is_empty() && !line.starts_with("note: "))
                .collect();
            format!("{status}: {}", said.join(" "))
        }
        Ended::TimedOut => format!("still reading after {} s", limits.wall.as_secs()),
        Ended::TooMuchOutput => format!("more than {cap} bytes of rows"),
    };
    tracing::warn!(%cause, "the spreadsheet reader stopped");
    Ok(framing::frame_error(&unreadable(limits)))
}

/// The error of a workbook whose reader did not finish.
fn unreadable(limits: Limits) -> ReadError {
    ReadError::Spreadsheet(format!(
        "the workbook is malformed or too large to read safely (reading may use at most {} MiB \
         of memory and {} s of processor time); save it as CSV to send it",
        limits.memory_bytes >> 20,
        limits.cpu_seconds
    ))
}

/// How a child ended.
#[derive(Debug)]
enum Ended {
    /// It exited, or a signal or a limit ended it.
    Exited {
        status: ExitStatus,
        stdout: Vec<u8>,
        /// The beginning of its standard error.
        stderr: Vec<u8>,
    },
    /// It ran past the wall-clock limit and was killed.
    TimedOut,
    /// It wrote more than the parent takes and was killed.
    TooMuchOutput,
}

/// Runs `command` with `input` on its standard input, taking at most `cap` bytes of output,
/// for at most `wall`. The child is killed if it outlives either, or this future.
async fn run(
    mut command: Command,
    input: Vec<u8>,
    wall: Duration,
    cap: usize,
) -> std::io::Result<Ended> {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn()?;
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    // Writing and draining standard error go on beside reading the output, so that the child
    // never waits on a full pipe.
    let writer = tokio::spawn(async move {
        if let Some(mut stdin) = stdin {
            // A child that stops reading has failed; its exit status says so, not this.
            let _ = stdin.write_all(&input).await;
        }
    });
    let errors = tokio::spawn(async move {
        let mut kept = Vec::new();
        if let Some(mut stderr) = stderr {
            let _ = (&mut stderr).take(STDERR_KEPT).read_to_end(&mut kept).await;
            let _ = tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await;
        }
        kept
    });
    let cap_plus_one = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let finished = tokio::time::timeout(wall, async {
        let mut output = Vec::new();
        if let Some(stdout) = stdout {
            stdout.take(cap_plus_one).read_to_end(&mut output).await?;
        }
        if output.len() > cap {
            return Ok(None);
        }
        let status = child.wait().await?;
        Ok::<_, std::io::Error>(Some((status, output)))
    })
    .await;
    if !matches!(finished, Ok(Ok(Some(_)))) {
        let _ = child.start_kill();
    }
    // Reaped in every case. Once it is gone its pipes close and both tasks end, unless
    // something it started holds them: standard error is not worth waiting for then.
    let _ = child.wait().await;
    writer.abort();
    let mut errors = errors;
    let stderr = match tokio::time::timeout(Duration::from_secs(1), &mut errors).await {
        Ok(Ok(kept)) => kept,
        _ => Vec::new(),
    };
    errors.abort();
    match finished {
        Ok(Ok(Some((status, stdout)))) => Ok(Ended::Exited {
            status,
            stdout,
            stderr,
        }),
        Ok(Ok(None)) => Ok(Ended::TooMuchOutput),
        Ok(Err(error)) => Err(error),
        Err(_) => Ok(Ended::TimedOut),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    const WALL: Duration = Duration::from_secs(30);

    #[tokio::test]
    async fn output_comes_back_with_the_exit_status() {
        let ended = run(
            shell("cat; echo oops >&2; exit 3"),
            b"rows".to_vec(),
            WALL,
            100,
        )
        .await
        .unwrap();
        let Ended::Exited {
            status,
            stdout,
            stderr,
        } = ended
        else {
            panic!("{ended:?}");
        };
        assert_eq!(status.code(), Some(3));
        assert_eq!(stdout, b"rows");
        assert_eq!(stderr, b"oops\n");
    }

    #[tokio::test]
    async fn a_child_that_runs_too_long_is_killed() {
        let started = std::time::Instant::now();
        let ended = run(
            shell("exec sleep 30"),
            Vec::new(),
            Duration::from_millis(200),
            100,
        )
        .await
        .unwrap();
        assert!(matches!(ended, Ended::TimedOut), "{ended:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn a_child_that_writes_too_much_is_stopped() {
        let ended = run(shell("exec yes"), Vec::new(), WALL, 1 << 20)
            .await
            .unwrap();
        assert!(matches!(ended, Ended::TooMuchOutput), "{ended:?}");
    }

    #[tokio::test]
    async fn much_standard_error_neither_blocks_nor_is_kept() {
        let ended = run(
            shell("head -c 1000000 /dev/zero >&2; echo done"),
            Vec::new(),
            WALL,
            100,
        )
        .await
        .unwrap();
        let Ended::Exited { stdout, stderr, .. } = ended else {
            panic!("{ended:?}");
        };
        assert_eq!(stdout, b"done\n");
        assert_eq!(stderr.len(), 4096);
    }

    #[tokio::test]
    async fn a_child_that_reads_nothing_still_ends() {
        let ended = run(shell("exit 0"), vec![0; 1 << 20], WALL, 100)
            .await
            .unwrap();
        assert!(
            matches!(ended, Ended::Exited { status, .. } if status.success()),
            "{ended:?}"
        );
    }

    #[tokio::test]
    async fn a_program_that_cannot_start_is_an_error() {
        let command = Command::new("/nonexistent/carillon");
        assert!(run(command, Vec::new(), WALL, 100).await.is_err());
    }
}
