//! Account secrets: passwords (argon2id, on a few long-lived threads), API tokens and what the
//! database keeps of them. The store keeps only hashes; a password or token is shown once.

use sha2::{Digest, Sha256};

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The system's random source failed.
    #[error("系统随机数不可用：{0}")]
    Random(String),
    /// The hashing threads are gone (the process is stopping).
    #[error("密码计算线程已停止")]
    HashingGone,
}

/// The prefix of every token, so a leaked one is recognisable (and scannable) as ours.
pub const TOKEN_PREFIX: &str = "jx_";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Read only.
    Read,
    /// Read and write.
    Write,
}

impl Scope {
    /// From the stored code.
    pub fn parse(code: &str) -> Option<Scope> {
        match code {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
}

/// A fresh random token, hex.
pub fn new_token() -> Result<String, SecretError> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(hex::encode(buf))
}

/// A random password of 14 characters that read unambiguously (no 0/O, 1/l/I).
pub fn new_password() -> Result<String, SecretError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // Drawn again until it meets the password policy (a draw without, say, a digit is rare).
    loop {
        let mut buf = [0u8; 14];
        getrandom::fill(&mut buf).map_err(|e| SecretError::Random(e.to_string()))?;
        // 256 is not a multiple of 56: the slight bias towards the first letters is harmless.
        let p: String = buf
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        if jixiao_domain::access::Password::try_from(p.clone()).is_ok() {
            return Ok(p);
        }
    }
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An argon2id hash of `password` (slow on purpose; run off the async threads).
pub async fn hash_password(password: String) -> Result<String, SecretError> {
    on_hashing_thread(move || password_auth::generate_hash(password))
        .await
        .ok_or(SecretError::HashingGone)
}

/// Whether `password` matches `hash`.
pub async fn verify_password(password: String, hash: String) -> bool {
    on_hashing_thread(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .unwrap_or(false)
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Threads that run every password hash, this many at a time.
const HASHING_THREADS: usize = 2;

/// Runs `job` on one of a few long-lived hashing threads. Each argon2id hash takes 19 MiB; on
/// tokio's blocking pool every login could land on another thread, and the C allocator keeps
/// what each thread freed, so two hundred logins at a deadline left the server at 480 MB.
/// Two threads keep that to a few tens of MB, and as many hashes run as there are cores here.
async fn on_hashing_thread<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    use std::sync::{Mutex, OnceLock, mpsc};
    static QUEUE: OnceLock<Mutex<mpsc::Sender<HashJob>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<HashJob>();
        let rx = std::sync::Arc::new(Mutex::new(rx));
        for n in 0..HASHING_THREADS {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("jixiao-hash-{n}"))
                .spawn(move || {
                    loop {
                        let next = rx.lock().map(|r| r.recv());
                        match next {
                            Ok(Ok(job)) => job(),
                            _ => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        Mutex::new(tx)
    });
    let (done, result) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = done.send(job());
    });
    queue.lock().ok()?.send(job).ok()?;
    result.await.ok()
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
