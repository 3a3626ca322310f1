//! Loading a policy pack: the schema and every `.cedar` file of a folder,
//! plus the entitlement policies written from `writ.toml`, validated
//! strictly. Errors name the file, the line and what to do.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use cedar_policy::{
    Context, Entities, Entity, EntityUid, PolicyId, PolicySet, Request, RestrictedExpression,
    Schema, ValidationMode, Validator,
};
use thiserror::Error;
use writ_core::Tier;

use crate::index::Index;
use crate::{Evaluation, Principal, Query};

/// The default pack shipped with writ: file name and text.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "schema.cedarschema",
        include_str!("../pack/schema.cedarschema"),
    ),
    ("tiers.cedar", include_str!("../pack/tiers.cedar")),
    ("guards.cedar", include_str!("../pack/guards.cedar")),
    ("users.cedar", include_str!("../pack/users.cedar")),
];

/// Errors loading a pack.
#[derive(Debug, Error)]
pub enum PolicyError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {why}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// The schema does not parse.
    #[error("schema `{file}`: {why}; fix it or restore it with `writ policy reset`")]
    Schema {
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// A policy file does not parse.
    #[error("policy `{file}` line {line}: {why}; see the Cedar syntax at docs.cedarpolicy.com")]
    Parse {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// Why.
        why: String,
    },
    /// Policies do not validate against the schema.
    #[error("policy `{file}` line {line} (`{id}`): {why}; fix it so it matches schema.cedarschema")]
    Invalid {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// The policy id.
        id: String,
        /// Why.
        why: String,
    },
    /// Two policies share an id.
    #[error(
        "policy `{file}` line {line}: the id `{id}` is used twice; give each policy its own @id"
    )]
    DuplicateId {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// The id.
        id: String,
    },
    /// The folder has no schema or no policy.
    #[error("`{0}` holds no policies; restore the default pack with `writ policy reset`")]
    Empty(String),
}

/// An exception to a user's tiers, from `writ.toml`.
#[derive(Debug, Clone)]
pub struct Entitlement {
    /// The user.
    pub user: String,
    /// The tier it concerns.
    pub tier: Tier,
    /// A pattern over resource names (`*` is any run of characters).
    pub resource: String,
    /// `true` to allow beyond the user's tiers, `false` to forbid within them.
    pub allow: bool,
}

/// A loaded, validated pack, ready to evaluate.
#[derive(Debug)]
pub struct PolicyPack {
    schema: Schema,
    set: PolicySet,
    index: Index,
    reasons: HashMap<String, String>,
    origins: HashMap<String, (String, usize)>,
}

impl PolicyPack {
    /// Loads the pack in `dir`.
    pub fn load(dir: &Path, entitlements: &[Entitlement]) -> Result<PolicyPack, PolicyError> {
        let mut files = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| PolicyError::Read {
            path: dir.display().to_string(),
            why: e.to_string(),
        })?;
        let mut names: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext != "cedar" && ext != "cedarschema" {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| PolicyError::Read {
                path: path.display().to_string(),
                why: e.to_string(),
            })?;
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            files.push((name, text));
        }
        if !files.iter().any(|(n, _)| n.ends_with(".cedar")) {
            return Err(PolicyError::Empty(dir.display().to_string()));
        }
        PolicyPack::from_files(&files, entitlements)
    }

    /// The shipped pack.
    pub fn shipped(entitlements: &[Entitlement]) -> Result<PolicyPack, PolicyError> {
        let files: Vec<(String, String)> = SHIPPED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        PolicyPack::from_files(&files, entitlements)
    }

    /// Builds a pack from file names and texts. A file ending in
    /// `.cedarschema` is the schema; the shipped schema is used when none is
    /// given.
    pub fn from_files(
        files: &[(String, String)],
        entitlements: &[Entitlement],
    ) -> Result<PolicyPack, PolicyError> {
        let (schema_name, schema_text) = files
            .iter()
            .find(|(n, _)| n.ends_with(".cedarschema"))
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .unwrap_or(SHIPPED[0]);
        let schema = Schema::from_cedarschema_str(schema_text)
            .map(|(s, _warnings)| s)
            .map_err(|e| PolicyError::Schema {
                file: schema_name.to_string(),
                why: one_line(&e.to_string()),
            })?;
        let mut set = PolicySet::new();
        let mut reasons = HashMap::new();
        let mut origins = HashMap::new();
        let generated = entitlement_policies(entitlements);
        let all = files
            .iter()
            .filter(|(n, _)| n.ends_with(".cedar"))
            .map(|(n, t)| (n.clone(), t.clone()))
            .chain(std::iter::once((
                "writ.toml (entitlements)".to_string(),
                generated,
            )));
        for (name, text) in all {
            add_file(&mut set, &mut reasons, &mut origins, &name, &text)?;
        }
        validate(&schema, &set, &origins)?;
        let index = Index::new(&set);
        Ok(PolicyPack {
            schema,
            set,
            index,
            reasons,
            origins,
        })
    }

    /// How many policies the pack holds.
    pub fn len(&self) -> usize {
        self.set.policies().count()
    }

    /// Whether the pack holds no policy.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The agent-safe reason of a policy: its `@reason`, or its id.
    pub fn reason_for(&self, id: &str) -> String {
        self.reasons
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("denied by policy `{id}`"))
    }

    /// Where a policy was written: file and line.
    pub fn origin(&self, id: &str) -> Option<&(String, usize)> {
        self.origins.get(id)
    }

    /// The whole policy set, for comparison benchmarks.
    pub fn policy_set(&self) -> &PolicySet {
        &self.set
    }

    /// Evaluates one request against only the policies whose scope can
    /// match it.
    pub fn evaluate(&self, principal: &Principal<'_>, query: &Query<'_>) -> Evaluation {
        self.evaluate_with(principal, query, true)
    }

    /// Evaluates against the whole set, without the index: the baseline
    /// the index is measured against, and a cross-check in tests.
    pub fn evaluate_unindexed(&self, principal: &Principal<'_>, query: &Query<'_>) -> Evaluation {
        self.evaluate_with(principal, query, false)
    }

    fn evaluate_with(
        &self,
        principal: &Principal<'_>,
        query: &Query<'_>,
        indexed: bool,
    ) -> Evaluation {
        let (request, entities) = match self.request(principal, query) {
            Ok(built) => built,
            Err(why) => {
                return Evaluation {
                    allowed: false,
                    policies: Vec::new(),
                    errors: vec![why],
                };
            }
        };
        let candidates;
        let set = if indexed {
            candidates = self.index.candidates(&request, &self.set);
            &*candidates
        } else {
            &self.set
        };
        let response = cedar_policy::Authorizer::new().is_authorized(&request, set, &entities);
        Evaluation {
            allowed: response.decision() == cedar_policy::Decision::Allow,
            policies: response
                .diagnostics()
                .reason()
                .map(|p| p.to_string())
                .collect(),
            errors: response
                .diagnostics()
                .errors()
                .map(|e| one_line(&e.to_string()))
                .collect(),
        }
    }

    fn request(
        &self,
        principal: &Principal<'_>,
        query: &Query<'_>,
    ) -> Result<(Request, Entities), String> {
        let op = query.operation;
        let principal_entity = match principal {
            Principal::Agent { name, user } => Entity::new(
                uid("Agent", name)?,
                HashMap::from([(
                    "user".to_string(),
                    RestrictedExpression::new_string(user.to_string()),
                )]),
                Default::default(),
            ),
            Principal::User { name, tiers } => Entity::new(
                uid("User", name)?,
                HashMap::from([(
                    "tiers".to_string(),
                    RestrictedExpression::new_set(
                        tiers
                            .iter()
                            .map(|t| RestrictedExpression::new_string(t.clone())),
                    ),
                )]),
                Default::default(),
            ),
        }
        .map_err(|e| one_line(&e.to_string()))?;
        let r = &op.resource;
        let s =
            |v: &Option<String>| RestrictedExpression::new_string(v.clone().unwrap_or_default());
        let resource_entity = Entity::new(
            uid("Resource", &r.name)?,
            HashMap::from([
                (
                    "kind".to_string(),
                    RestrictedExpression::new_string(r.kind.as_str().to_string()),
                ),
                (
                    "name".to_string(),
                    RestrictedExpression::new_string(r.name.clone()),
                ),
                ("path".to_string(), s(&r.path)),
                ("repo".to_string(), s(&r.repo)),
                ("branch".to_string(), s(&r.branch)),
                ("host".to_string(), s(&r.host)),
            ]),
            Default::default(),
        )
        .map_err(|e| one_line(&e.to_string()))?;
        let principal_uid = principal_entity.uid();
        let resource_uid = resource_entity.uid();
        let entities = Entities::from_entities([principal_entity, resource_entity], None)
            .map_err(|e| one_line(&e.to_string()))?;
        let record = |pairs: Vec<(&str, RestrictedExpression)>| {
            RestrictedExpression::new_record(pairs.into_iter().map(|(k, v)| (k.to_string(), v)))
        };
        let string = |v: &str| RestrictedExpression::new_string(v.to_string());
        let operation = record(vec![
            ("action", string(&op.action)),
            ("tier", string(op.tier.as_str())),
            ("control", RestrictedExpression::new_bool(op.control)),
            ("critical", RestrictedExpression::new_bool(op.critical)),
        ])
        .map_err(|e| one_line(&e.to_string()))?;
        let task = record(vec![
            ("active", RestrictedExpression::new_bool(query.task.active)),
            ("id", string(&query.task.id)),
            ("user", string(&query.task.user)),
            ("purpose", string(&query.task.purpose)),
        ])
        .map_err(|e| one_line(&e.to_string()))?;
        let context = Context::from_pairs([
            ("operation".to_string(), operation),
            ("task".to_string(), task),
            (
                "in_scope".to_string(),
                RestrictedExpression::new_bool(query.in_scope),
            ),
            (
                "granted".to_string(),
                RestrictedExpression::new_bool(query.granted),
            ),
            (
                "enforcement_point".to_string(),
                string(query.enforcement_point),
            ),
        ])
        .map_err(|e| one_line(&e.to_string()))?;
        let action = uid("Action", op.tier.as_str())?;
        let request = Request::new(principal_uid, action, resource_uid, context, None)
            .map_err(|e| one_line(&e.to_string()))?;
        Ok((request, entities))
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
}

fn uid(kind: &str, name: &str) -> Result<EntityUid, String> {
    let type_name = cedar_policy::EntityTypeName::from_str(&format!("Writ::{kind}"))
        .map_err(|e| one_line(&e.to_string()))?;
    Ok(EntityUid::from_type_name_and_id(
        type_name,
        cedar_policy::EntityId::new(name),
    ))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn add_file(
    set: &mut PolicySet,
    reasons: &mut HashMap<String, String>,
    origins: &mut HashMap<String, (String, usize)>,
    name: &str,
    text: &str,
) -> Result<(), PolicyError> {
    let parsed = PolicySet::from_str(text).map_err(|e| {
        use miette_offset::first_offset;
        PolicyError::Parse {
            file: name.to_string(),
            line: first_offset(&e).map_or(1, |o| line_of(text, o)),
            why: one_line(&e.to_string()),
        }
    })?;
    let stem = name.trim_end_matches(".cedar");
    for (n, policy) in parsed.policies().enumerate() {
        let id = policy
            .annotation("id")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{stem}.{n}"));
        let line = text
            .find(&format!("@id(\"{id}\")"))
            .map_or(1, |o| line_of(text, o));
        if origins.contains_key(&id) {
            return Err(PolicyError::DuplicateId {
                file: name.to_string(),
                line,
                id,
            });
        }
        if let Some(reason) = policy.annotation("reason") {
            reasons.insert(id.clone(), reason.to_string());
        }
        origins.insert(id.clone(), (name.to_string(), line));
        let renamed = policy.new_id(PolicyId::new(&id));
        set.add(renamed).map_err(|e| PolicyError::Parse {
            file: name.to_string(),
            line,
            why: one_line(&e.to_string()),
        })?;
    }
    Ok(())
}

fn validate(
    schema: &Schema,
    set: &PolicySet,
    origins: &HashMap<String, (String, usize)>,
) -> Result<(), PolicyError> {
    let result = Validator::new(schema.clone()).validate(set, ValidationMode::Strict);
    if let Some(err) = result.validation_errors().next() {
        let id = err.policy_id().to_string();
        let (file, line) = origins.get(&id).cloned().unwrap_or_else(|| ("?".into(), 1));
        return Err(PolicyError::Invalid {
            file,
            line,
            id,
            why: one_line(&err.to_string()),
        });
    }
    Ok(())
}

/// Cedar text for `writ.toml`'s per-user exceptions.
fn entitlement_policies(entitlements: &[Entitlement]) -> String {
    let mut out = String::new();
    for (n, e) in entitlements.iter().enumerate() {
        let effect = if e.allow { "permit" } else { "forbid" };
        let user = cedar_string(&e.user);
        let pattern = e.resource.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!(
            "@id(\"entitlement.{user_id}.{n}\")\n@reason(\"user `{user_id}` may not do {tier} on this resource\")\n{effect}(principal == Writ::User::\"{user}\", action == Writ::Action::\"{tier}\", resource)\nwhen {{ resource.name like \"{pattern}\" }};\n",
            user_id = user,
            tier = e.tier.as_str(),
        ));
    }
    out
}

fn cedar_string(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        .collect()
}

/// Finds the first source offset in a Cedar parse error.
mod miette_offset {
    pub fn first_offset(e: &cedar_policy::ParseErrors) -> Option<usize> {
        use miette::Diagnostic;
        e.labels()?.next().map(|l| l.offset())
    }
}
