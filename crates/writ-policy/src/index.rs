//! The policy index: Cedar evaluates every policy in the set it is given,
//! so writ hands it only the policies whose scope (principal, action,
//! resource equality constraints) can match the request. A policy whose
//! scope cannot match is never satisfied and raises no error, so leaving it
//! out cannot change the answer; `evaluate_unindexed` is kept to check that.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cedar_policy::{
    ActionConstraint, EntityUid, Policy, PolicySet, PrincipalConstraint, Request,
    ResourceConstraint,
};

#[derive(Debug, Default)]
struct Bucket {
    /// Policies with no equality constraint on principal or resource.
    open: Vec<usize>,
    by_principal: HashMap<EntityUid, Vec<usize>>,
    by_resource: HashMap<EntityUid, Vec<usize>>,
}

/// Policies bucketed by action, then by principal and resource equality.
#[derive(Debug)]
pub struct Index {
    policies: Vec<Policy>,
    by_action: HashMap<Option<EntityUid>, Bucket>,
    cache: Mutex<HashMap<Vec<usize>, Arc<PolicySet>>>,
}

const CACHE_LIMIT: usize = 4096;

impl Index {
    /// Indexes a set.
    pub fn new(set: &PolicySet) -> Index {
        let policies: Vec<Policy> = set.policies().cloned().collect();
        let mut by_action: HashMap<Option<EntityUid>, Bucket> = HashMap::new();
        for (i, p) in policies.iter().enumerate() {
            let actions: Vec<Option<EntityUid>> = match p.action_constraint() {
                ActionConstraint::Any => vec![None],
                ActionConstraint::Eq(a) => vec![Some(a)],
                ActionConstraint::In(list) => list.into_iter().map(Some).collect(),
            };
            for action in actions {
                let bucket = by_action.entry(action).or_default();
                match (p.principal_constraint(), p.resource_constraint()) {
                    (PrincipalConstraint::Eq(uid), _) => {
                        bucket.by_principal.entry(uid).or_default().push(i)
                    }
                    (_, ResourceConstraint::Eq(uid)) => {
                        bucket.by_resource.entry(uid).or_default().push(i)
                    }
                    _ => bucket.open.push(i),
                }
            }
        }
        Index {
            policies,
            by_action,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The policies that can apply to `request`, as a set (cached by the
    /// exact list of candidates).
    pub fn candidates(&self, request: &Request, full: &PolicySet) -> Arc<PolicySet> {
        let (Some(principal), Some(action), Some(resource)) =
            (request.principal(), request.action(), request.resource())
        else {
            return Arc::new(full.clone());
        };
        let mut ids: Vec<usize> = Vec::new();
        for key in [None, Some(action.clone())] {
            if let Some(bucket) = self.by_action.get(&key) {
                ids.extend(&bucket.open);
                ids.extend(bucket.by_principal.get(principal).into_iter().flatten());
                ids.extend(bucket.by_resource.get(resource).into_iter().flatten());
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let Ok(mut cache) = self.cache.lock() else {
            return Arc::new(full.clone());
        };
        if let Some(set) = cache.get(&ids) {
            return Arc::clone(set);
        }
        let mut set = PolicySet::new();
        for &i in &ids {
            // Ids are unique in the full set, so adding cannot fail; if it
            // somehow did, evaluating the full set is the safe answer.
            if set.add(self.policies[i].clone()).is_err() {
                return Arc::new(full.clone());
            }
        }
        let set = Arc::new(set);
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(ids, Arc::clone(&set));
        set
    }
}
