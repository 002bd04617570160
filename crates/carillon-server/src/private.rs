//! Files only their owner reads, whatever the umask: the data directory (0700) and the
//! embedded database with its WAL and shared-memory files (0600).

use std::fs;
use std::io;
use std::path::Path;

/// Creates `dir` (and missing parents) readable by its owner only. A directory already there
/// is left as it is, with a note in the log when others may read it: it may be shared on
/// purpose, and the files in it are private anyway (only their names show). Logged as a note,
/// not a warning, so that the standard error of commands (`send-bulk`'s report) stays theirs.
///
/// # Errors
/// When a directory cannot be created.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        warn_if_open(dir);
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(unix)]
fn warn_if_open(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = fs::metadata(dir)
        && metadata.permissions().mode() & 0o077 != 0
    {
        tracing::info!(
            path = %dir.display(),
            mode = format!("{:o}", metadata.permissions().mode() & 0o777),
            "the data directory may be read by other users (chmod 700 it)"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_open(_dir: &Path) {}

/// Creates the embedded database file empty (which SQLite reads as a new database) with mode
/// 0600 when missing, so that SQLite, which gives its WAL and shared-memory files the mode of
/// the database, never makes them with the umask's.
pub(crate) fn create_private_file(path: &Path) -> io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Narrows the database's WAL and shared-memory files to 0600 when they exist (a database made
/// by an earlier version, under a loose umask).
#[cfg(unix)]
pub(crate) fn tighten_sqlite_companions(database: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["-wal", "-shm"] {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        let path = Path::new(&name);
        if let Ok(metadata) = fs::metadata(path)
            && metadata.permissions().mode() & 0o077 != 0
            && let Err(error) = fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        {
            tracing::warn!(path = %path.display(), %error, "could not make the file private");
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn tighten_sqlite_companions(_database: &Path) {}
