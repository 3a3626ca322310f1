//! writ's home: `writ.toml`, the policy pack under `policies/` and the
//! SQLite database, created on first use with owner-only permissions.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::GatewayError;

/// The folder writ keeps its state in.
#[derive(Debug, Clone)]
pub struct Home {
    /// The folder.
    pub root: PathBuf,
}

impl Home {
    /// Opens `root`, creating what is missing: the folder (mode 0700), a
    /// commented `writ.toml` for `user`, the default policy pack. Existing
    /// files are never overwritten.
    pub fn open(root: &Path, user: &str) -> Result<Home, GatewayError> {
        let io = |what: &str, e: std::io::Error| GatewayError::Home(format!("{what}: {e}"));
        fs::create_dir_all(root)
            .map_err(|e| io(&format!("cannot create `{}`", root.display()), e))?;
        restrict(root, 0o700);
        let home = Home {
            root: root.to_path_buf(),
        };
        write_new(&home.config_path(), &crate::config::default_text(user))
            .map_err(|e| io("cannot write writ.toml", e))?;
        let policies = home.policies_dir();
        if !policies.exists() {
            fs::create_dir_all(&policies).map_err(|e| io("cannot create policies/", e))?;
            for (name, text) in writ_policy::SHIPPED {
                write_new(&policies.join(name), text)
                    .map_err(|e| io("cannot write the policy pack", e))?;
            }
        }
        Ok(home)
    }

    /// `writ.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("writ.toml")
    }

    /// `policies/`.
    pub fn policies_dir(&self) -> PathBuf {
        self.root.join("policies")
    }

    /// The SQLite database.
    pub fn database_path(&self) -> PathBuf {
        self.root.join("writ.db")
    }

    /// The daemon's socket.
    pub fn socket_path(&self) -> PathBuf {
        self.root.join("writ.sock")
    }
}

/// Writes a file only if it does not exist, atomically: a temporary file
/// renamed into place, so a crash leaves no half-written config.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let tmp = path.with_extension("tmp-new");
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    restrict(&tmp, 0o600);
    fs::rename(&tmp, path)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) {}
