//! The policy index must never change an answer: for a spread of requests,
//! indexed and whole-set evaluation agree on the decision and on the
//! determining policies.

#![allow(clippy::unwrap_used, reason = "test setup")]

use writ_core::{Operation, Resource, ResourceKind, Tier};
use writ_policy::{PolicyPack, Principal, Query, TaskFacts};

fn pack() -> PolicyPack {
    let mut generated = String::new();
    for i in 0..50 {
        generated.push_str(&format!(
            "@id(\"gen.merge.{i}\")\npermit(principal == Writ::User::\"u{i}\", action == Writ::Action::\"merge\", resource)\nwhen {{ resource.name like \"origin:refs/heads/rel-{i}*\" }};\n\
             @id(\"gen.forbid.{i}\")\nforbid(principal, action, resource == Writ::Resource::\"/srv/{i}\")\nwhen {{ context.task.active }};\n\
             @id(\"gen.agent.{i}\")\npermit(principal == Writ::Agent::\"a{i}\", action in [Writ::Action::\"deploy\", Writ::Action::\"publish\"], resource);\n"
        ));
    }
    let mut files: Vec<(String, String)> = writ_policy::SHIPPED
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    files.push(("generated.cedar".into(), generated));
    PolicyPack::from_files(&files, &[]).unwrap()
}

#[test]
fn indexed_and_whole_set_evaluation_agree() {
    let pack = pack();
    let tiers: Vec<String> = vec!["read".into(), "write".into()];
    let names = [
        "origin:refs/heads/rel-3x",
        "/srv/3",
        "/srv/99",
        "origin:refs/heads/main",
        "x",
    ];
    let mut compared = 0;
    for tier in Tier::ALL {
        for name in names {
            for (active, granted, control, critical) in [
                (true, false, false, false),
                (true, true, false, false),
                (false, false, false, false),
                (true, false, true, true),
            ] {
                let mut op = Operation::new("test", Resource::new(ResourceKind::File, name), tier);
                op.control = control;
                op.critical = critical;
                let facts = TaskFacts {
                    active,
                    ..Default::default()
                };
                let query = Query {
                    operation: &op,
                    task: &facts,
                    in_scope: true,
                    granted,
                    enforcement_point: "test",
                };
                for principal in [
                    Principal::Agent {
                        name: "a3",
                        user: "u3",
                    },
                    Principal::Agent {
                        name: "claude-code",
                        user: "u3",
                    },
                    Principal::User {
                        name: "u3",
                        tiers: &tiers,
                    },
                    Principal::User {
                        name: "u7",
                        tiers: &tiers,
                    },
                ] {
                    let mut a = pack.evaluate(&principal, &query);
                    let mut b = pack.evaluate_unindexed(&principal, &query);
                    a.policies.sort();
                    b.policies.sort();
                    assert_eq!(
                        a, b,
                        "{principal:?} {tier} {name} active={active} granted={granted}"
                    );
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 8 * 5 * 4 * 4);
}
