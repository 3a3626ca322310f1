//! Live grants, indexed by task so that a decision looks at only the grants
//! of its own task, however many exist.

use std::collections::HashMap;

use writ_core::{Grant, GrantScope, Millis, Operation};

/// Live grants by task.
#[derive(Debug, Default, Clone)]
pub struct GrantIndex {
    by_task: HashMap<String, Vec<Grant>>,
}

impl GrantIndex {
    /// An index over `grants`; grants no longer live at `now` are left out.
    pub fn new(grants: impl IntoIterator<Item = Grant>, now: Millis) -> Self {
        let mut by_task: HashMap<String, Vec<Grant>> = HashMap::new();
        for g in grants.into_iter().filter(|g| g.is_live(now)) {
            by_task.entry(g.task_id.clone()).or_default().push(g);
        }
        GrantIndex { by_task }
    }

    /// How many grants are indexed.
    pub fn len(&self) -> usize {
        self.by_task.values().map(Vec::len).sum()
    }

    /// Whether no grant is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_task.is_empty()
    }

    /// The first live grant of `task_id` that covers `op` within the
    /// invocation whose canonical hash is `invocation_hash`.
    pub fn covering(
        &self,
        task_id: &str,
        invocation_hash: &str,
        op: &Operation,
        now: Millis,
    ) -> Option<&Grant> {
        self.by_task.get(task_id)?.iter().find(|g| {
            g.is_live(now)
                && op.tier <= g.tier
                && match &g.scope {
                    GrantScope::Invocation { hash } => hash == invocation_hash,
                    GrantScope::Operation { action, resource } => {
                        action == &op.action && glob_match(resource, &op.resource.name)
                    }
                }
        })
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("origin:refs/heads/*", "origin:refs/heads/main"));
        assert!(glob_match("a*c*e", "abcde"));
        assert!(!glob_match("a*c*e", "abcd"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exactly"));
    }
}
