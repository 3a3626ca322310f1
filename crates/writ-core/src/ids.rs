/// A new random identifier with a short prefix naming what it identifies,
/// for example `task_3f9c1a2b7d4e6f80`.
///
/// The 64 random bits come from the operating system; if it cannot supply
/// them the process is in no state to hand out authority, so we fall back
/// to time and address entropy only to keep ids unique, never to secrets.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = (nanos as u64 ^ u64::from(std::process::id()).rotate_left(32)).to_le_bytes();
    }
    format!("{prefix}_{}", hex::encode(bytes))
}
