//! The access rule: pure decisions, no I/O, so the whole role × route × scope matrix
//! is tested here as well as over HTTP.

use std::collections::BTreeSet;
use std::fmt;

/// A person's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    GroupAdmin,
    DealerManager,
    ServiceAdvisor,
    FollowUpAgent,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::GroupAdmin,
        Role::DealerManager,
        Role::ServiceAdvisor,
        Role::FollowUpAgent,
    ];

    /// The name stored and shown (`group_admin`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::GroupAdmin => "group_admin",
            Role::DealerManager => "dealer_manager",
            Role::ServiceAdvisor => "service_advisor",
            Role::FollowUpAgent => "follow_up_agent",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().replace('-', "_"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which dealers a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Dealers(BTreeSet<String>),
}

impl Scope {
    /// The dealers as a list for a store query; `None` for every dealer.
    pub fn listed(&self) -> Option<Vec<String>> {
        match self {
            Scope::All => None,
            Scope::Dealers(d) => Some(d.iter().cloned().collect()),
        }
    }

    pub fn allows(&self, dealer: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Dealers(d) => d.contains(dealer),
        }
    }

    /// Every dealer of `other` is in this scope.
    pub fn covers(&self, other: &Scope) -> bool {
        match (self, other) {
            (Scope::All, _) => true,
            (Scope::Dealers(_), Scope::All) => false,
            (Scope::Dealers(mine), Scope::Dealers(theirs)) => theirs.is_subset(mine),
        }
    }
}

/// Who is asking, as the rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A signed-in person.
    User {
        role: Role,
        scope: Scope,
        /// A service advisor's own advisor id.
        advisor: Option<String>,
    },
    /// A dealer's system with an API token (reads like a manager of its dealers).
    Token {
        scope: Scope,
        /// A `write` token: may also make signed survey links for its dealers.
        write: bool,
    },
}

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (posting a response, health, the login itself).
    Public,
    /// Any signed-in person or token.
    SignedIn,
    /// A read of stored responses of one kind.
    Read(Resource),
    /// Managing tokens and accounts: admins and managers, in person.
    Manage,
    /// The audit log of reads of contact data: group admins in person only.
    Audit,
    /// Making signed survey links ([`issue_link`]): admins, managers, write tokens.
    IssueLinks,
    /// Issuing, listing and revoking kiosk device keys ([`kiosks`]): the same callers.
    Kiosks,
    /// Hot-alert cases ([`cases`]): admins, managers, follow-up agents, tokens (read).
    Cases,
    /// The follow-up call list ([`followups`]): as cases.
    FollowUps,
}

/// The kinds of reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `GET /v1/responses`: rows with answers.
    Responses,
    /// `GET /v1/responses.csv`: the same, as a file.
    Export,
    /// `GET /v1/summary`: aggregates only.
    Summary,
}

/// What a permitted read covers; the store applies every part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadScope {
    /// Only these dealers (`None`: all).
    pub dealers: Option<Vec<String>>,
    /// Only this advisor's responses.
    pub advisor: Option<String>,
    /// Only responses with alerts (a follow-up agent's work).
    pub alerts_only: bool,
    /// Contact data may be included.
    pub contact: bool,
}

/// A refusal: 403 with a reason the caller can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied(pub String);

/// May `caller` make a read of `resource`, for `requested` (the `dealer` filter, if
/// any)? An explicit dealer outside the caller's scope is refused (403, naming what
/// they may read), not silently emptied; without one, the read is filtered to the
/// caller's dealers.
pub fn read(
    caller: &Caller,
    resource: Resource,
    requested: Option<&str>,
) -> Result<ReadScope, Denied> {
    let (scope, advisor, alerts_only, contact) = match caller {
        Caller::Token { scope, .. } => (scope, None, false, true),
        Caller::User { role, scope, advisor } => match role {
            Role::GroupAdmin | Role::DealerManager => (scope, None, false, true),
            Role::ServiceAdvisor => {
                let Some(own) = advisor else {
                    return Err(Denied(
                        "this advisor account has no advisor id; ask a manager to set it".into(),
                    ));
                };
                (scope, Some(own.clone()), false, false)
            }
            Role::FollowUpAgent => match resource {
                Resource::Responses => (scope, None, true, true),
                Resource::Export | Resource::Summary => {
                    return Err(Denied(
                        "follow-up agents read the responses that need a call, not exports or summaries"
                            .into(),
                    ))
                }
            },
        },
    };
    if let Some(dealer) = requested {
        if !scope.allows(dealer) {
            return Err(Denied(format!(
                "you may not read dealer {dealer}; you may read {}",
                describe(scope)
            )));
        }
    }
    Ok(ReadScope {
        dealers: scope.listed(),
        advisor,
        alerts_only,
        contact,
    })
}

/// May `caller` read the audit log? Only a group admin, in person: a dealer's manager
/// would see other dealers' staff, and a token is a machine, not someone accountable.
pub fn audit(caller: &Caller) -> Result<(), Denied> {
    match caller {
        Caller::User {
            role: Role::GroupAdmin,
            ..
        } => Ok(()),
        _ => Err(Denied("only a group admin may read the audit log".into())),
    }
}

/// May `caller` manage tokens and accounts of `target` dealers?
pub fn manage(caller: &Caller, target: &Scope) -> Result<(), Denied> {
    match caller {
        Caller::User {
            role: Role::GroupAdmin,
            ..
        } => Ok(()),
        Caller::User {
            role: Role::DealerManager,
            scope,
            ..
        } if scope.covers(target) => Ok(()),
        Caller::User {
            role: Role::DealerManager,
            scope,
            ..
        } => Err(Denied(format!(
            "a dealer manager manages only their own dealers ({})",
            describe(scope)
        ))),
        Caller::User { role, .. } => Err(Denied(format!(
            "a {role} cannot manage tokens or accounts; ask a dealer manager"
        ))),
        Caller::Token { .. } => Err(Denied(
            "an API token cannot manage tokens or accounts; sign in as a manager".into(),
        )),
    }
}

/// May `caller` make a signed survey link for `dealer` (`None`: may they make links at
/// all)? A link makes its response count as a real customer's, so only the people
/// accountable for a dealer's scores make them: a group admin, a manager of the dealer,
/// or the dealer's system with a `write` API token (a DMS printing repair orders). Not a
/// service advisor, whose own scores the links would vouch for (the issue's
/// "an advisor could do the same for himself"), and not a follow-up agent.
pub fn issue_link(caller: &Caller, dealer: Option<&str>) -> Result<(), Denied> {
    vouch(
        caller,
        dealer,
        "make survey links",
        "survey links",
        "make links for",
    )
}

/// May `caller` issue, list or revoke the kiosk device keys of `dealer` (`None`: of any
/// of theirs)? A key makes a tablet's responses count as the dealer's, like a signed
/// link, so the same people may: a group admin, a manager of the dealer, or the
/// dealer's system with a `write` API token (a device-management tool enrolling
/// tablets). Not an advisor or an agent, and not a read-only token.
pub fn kiosks(caller: &Caller, dealer: Option<&str>) -> Result<(), Denied> {
    vouch(
        caller,
        dealer,
        "manage kiosk keys",
        "kiosk keys",
        "manage kiosks of",
    )
}

/// May `caller` upload and publish questionnaires for `dealer`? A questionnaire decides
/// what a dealer's scores are made of (its items, weights and alert rules), so the
/// people accountable for those scores do, as for [`issue_link`]: a group admin, a
/// manager of the dealer, or a `write` API token of theirs.
pub fn questionnaires(caller: &Caller, dealer: Option<&str>) -> Result<(), Denied> {
    vouch(
        caller,
        dealer,
        "publish questionnaires",
        "questionnaires",
        "publish questionnaires for",
    )
}

/// The one rule of [`issue_link`], [`kiosks`] and [`questionnaires`]: what makes a response count as a
/// dealer's real customer is made by a group admin, a manager of the dealer, or a
/// `write` API token of theirs; the three phrases word the refusals.
fn vouch(
    caller: &Caller,
    dealer: Option<&str>,
    act: &str,
    things: &str,
    act_for: &str,
) -> Result<(), Denied> {
    let scope = match caller {
        Caller::User {
            role: Role::GroupAdmin | Role::DealerManager,
            scope,
            ..
        } => scope,
        Caller::User { role, .. } => {
            return Err(Denied(format!(
                "a {role} cannot {act}; ask a dealer manager"
            )))
        }
        Caller::Token { write: false, .. } => {
            return Err(Denied(format!(
                "this API token is read-only; {things} need a write token"
            )))
        }
        Caller::Token { scope, .. } => scope,
    };
    match dealer {
        Some(d) if !scope.allows(d) => Err(Denied(format!(
            "you may not {act_for} dealer {d}; you may for {}",
            describe(scope)
        ))),
        _ => Ok(()),
    }
}

/// What a permitted case read covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseScope {
    /// Only these dealers (`None`: all).
    pub dealers: Option<Vec<String>>,
    /// Contact data may be included (a case's answers).
    pub contact: bool,
}

/// May `caller` read cases (of `requested`, the `dealer` filter, if any)? Admins all,
/// managers and follow-up agents their dealers' (an agent sees the unowned cases too,
/// to take them), a token like a manager. Acting on a case is decided by
/// `survey_core::cases::authorize`.
///
/// A service advisor reads no cases: a case is the handling of a complaint about the
/// advisor's own service, with the customer's phone number and the agent's notes. Seeing
/// who complained and what they were told invites pressure on the customer (the
/// seeds' "integrity" complaints); the advisor already reads their own responses and
/// scores, without contact data, in `GET /v1/responses`.
pub fn cases(caller: &Caller, requested: Option<&str>) -> Result<CaseScope, Denied> {
    let scope = match caller {
        Caller::Token { scope, .. } => scope,
        Caller::User {
            role: Role::ServiceAdvisor,
            ..
        } => {
            return Err(Denied(
                "a service advisor does not read cases, which are complaints about their own \
                 service; read your responses in /v1/responses"
                    .into(),
            ))
        }
        Caller::User { scope, .. } => scope,
    };
    if let Some(dealer) = requested {
        if !scope.allows(dealer) {
            return Err(Denied(format!(
                "you may not read the cases of dealer {dealer}; you may read {}",
                describe(scope)
            )));
        }
    }
    Ok(CaseScope {
        dealers: scope.listed(),
        contact: true,
    })
}

/// May `caller` import a dealer's repair orders? The callers who may make its survey
/// links (admins, its managers, its write tokens): both tell the collector of visits.
pub fn import_visits(caller: &Caller, dealer: &str) -> Result<(), Denied> {
    vouch(
        caller,
        Some(dealer),
        "import repair orders",
        "repair-order imports",
        "import repair orders for",
    )
}

/// May `caller` read the follow-up call list (of `requested`, if given)? Whoever works
/// cases: admins, managers and follow-up agents of their dealers, with the customers'
/// phones (they make the calls), and tokens (reads, for a dealer's CRM). Never a
/// service advisor: the call asks the customer about the advisor's own service.
pub fn followups(caller: &Caller, requested: Option<&str>) -> Result<CaseScope, Denied> {
    if let Caller::User {
        role: Role::ServiceAdvisor,
        ..
    } = caller
    {
        return Err(Denied(
            "a service advisor does not read the follow-up call list, which asks customers about their own service"
                .into(),
        ));
    }
    cases(caller, requested)
        .map_err(|Denied(reason)| Denied(reason.replace("the cases of", "the follow-up calls of")))
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::All => "every dealer".into(),
        Scope::Dealers(d) if d.is_empty() => "no dealer".into(),
        Scope::Dealers(d) => d.iter().cloned().collect::<Vec<_>>().join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dealers(d: &[&str]) -> Scope {
        Scope::Dealers(d.iter().map(|s| s.to_string()).collect())
    }

    fn user(role: Role) -> Caller {
        Caller::User {
            role,
            scope: if role == Role::GroupAdmin {
                Scope::All
            } else {
                dealers(&["D001"])
            },
            advisor: (role == Role::ServiceAdvisor).then(|| "A07".to_string()),
        }
    }

    #[test]
    fn the_matrix() {
        let token = Caller::Token {
            scope: dealers(&["D001"]),
            write: false,
        };
        for resource in [Resource::Responses, Resource::Export, Resource::Summary] {
            // Own dealer, other dealer, no dealer given.
            let admin = user(Role::GroupAdmin);
            assert_eq!(
                read(&admin, resource, Some("D002")).map(|s| s.dealers),
                Ok(None)
            );
            for caller in [user(Role::DealerManager), token.clone()] {
                let own = read(&caller, resource, Some("D001"));
                assert_eq!(
                    own.map(|s| (s.dealers, s.contact)),
                    Ok((Some(vec!["D001".into()]), true))
                );
                assert!(read(&caller, resource, Some("D002")).is_err());
                let unfiltered = read(&caller, resource, None);
                assert_eq!(unfiltered.map(|s| s.dealers), Ok(Some(vec!["D001".into()])));
            }
            let advisor = read(&user(Role::ServiceAdvisor), resource, None);
            assert_eq!(
                advisor.map(|s| (s.advisor, s.contact)),
                Ok((Some("A07".into()), false)),
                "an advisor sees their own responses and never contact data"
            );
            assert!(read(&user(Role::ServiceAdvisor), resource, Some("D002")).is_err());
            let agent = read(&user(Role::FollowUpAgent), resource, None);
            match resource {
                Resource::Responses => {
                    assert_eq!(agent.map(|s| (s.alerts_only, s.contact)), Ok((true, true)))
                }
                _ => assert!(agent.is_err()),
            }
        }
    }

    #[test]
    fn refusals_say_what_is_allowed() {
        let Err(Denied(reason)) = read(&user(Role::DealerManager), Resource::Summary, Some("D9"))
        else {
            panic!("expected a refusal");
        };
        assert!(reason.contains("D9") && reason.contains("D001"), "{reason}");
        let orphan = Caller::User {
            role: Role::ServiceAdvisor,
            scope: dealers(&["D001"]),
            advisor: None,
        };
        assert!(read(&orphan, Resource::Responses, None).is_err());
    }

    #[test]
    fn who_manages_what() {
        assert!(manage(&user(Role::GroupAdmin), &Scope::All).is_ok());
        assert!(manage(&user(Role::DealerManager), &dealers(&["D001"])).is_ok());
        assert!(manage(&user(Role::DealerManager), &dealers(&["D001", "D002"])).is_err());
        assert!(manage(&user(Role::DealerManager), &Scope::All).is_err());
        assert!(manage(&user(Role::ServiceAdvisor), &dealers(&["D001"])).is_err());
        assert!(manage(&user(Role::FollowUpAgent), &dealers(&["D001"])).is_err());
        let token = Caller::Token {
            scope: dealers(&["D001"]),
            write: false,
        };
        assert!(manage(&token, &dealers(&["D001"])).is_err());
    }

    #[test]
    fn who_makes_links() {
        assert!(issue_link(&user(Role::GroupAdmin), Some("D002")).is_ok());
        assert!(issue_link(&user(Role::DealerManager), Some("D001")).is_ok());
        assert!(issue_link(&user(Role::DealerManager), Some("D002")).is_err());
        assert!(issue_link(&user(Role::ServiceAdvisor), Some("D001")).is_err());
        assert!(issue_link(&user(Role::FollowUpAgent), None).is_err());
        let token = |write| Caller::Token {
            scope: dealers(&["D001"]),
            write,
        };
        assert!(issue_link(&token(true), Some("D001")).is_ok());
        assert!(issue_link(&token(true), Some("D002")).is_err());
        assert!(issue_link(&token(false), Some("D001")).is_err());
    }

    #[test]
    fn who_manages_kiosks() {
        assert!(kiosks(&user(Role::GroupAdmin), Some("D002")).is_ok());
        assert!(kiosks(&user(Role::DealerManager), Some("D001")).is_ok());
        assert!(kiosks(&user(Role::DealerManager), Some("D002")).is_err());
        assert!(kiosks(&user(Role::ServiceAdvisor), Some("D001")).is_err());
        assert!(kiosks(&user(Role::FollowUpAgent), None).is_err());
        let token = |write| Caller::Token {
            scope: dealers(&["D001"]),
            write,
        };
        assert!(kiosks(&token(true), Some("D001")).is_ok());
        assert!(kiosks(&token(true), Some("D002")).is_err());
        assert!(kiosks(&token(false), None).is_err());
    }

    #[test]
    fn who_reads_cases() {
        assert_eq!(
            cases(&user(Role::GroupAdmin), Some("D002")).map(|s| s.dealers),
            Ok(None)
        );
        for role in [Role::DealerManager, Role::FollowUpAgent] {
            let own = cases(&user(role), None);
            assert_eq!(own.map(|s| s.dealers), Ok(Some(vec!["D001".into()])));
            assert!(cases(&user(role), Some("D002")).is_err());
        }
        assert!(cases(&user(Role::ServiceAdvisor), None).is_err());
        let token = Caller::Token {
            scope: dealers(&["D001"]),
            write: false,
        };
        assert!(cases(&token, Some("D001")).is_ok());
    }

    #[test]
    fn roles_parse_both_spellings() {
        assert_eq!(Role::parse("group-admin"), Some(Role::GroupAdmin));
        assert_eq!(Role::parse("follow_up_agent"), Some(Role::FollowUpAgent));
        assert_eq!(Role::parse("boss"), None);
    }

    #[test]
    fn only_group_admins_read_the_audit_log() {
        for role in Role::ALL {
            let caller = Caller::User {
                role,
                scope: Scope::All,
                advisor: Some("A07".into()),
            };
            assert_eq!(audit(&caller).is_ok(), role == Role::GroupAdmin, "{role}");
        }
        assert!(audit(&Caller::Token {
            scope: Scope::All,
            write: false,
        })
        .is_err());
    }

    #[test]
    fn follow_up_calls_and_imports() {
        // The call list: as cases, never an advisor; an agent's own dealers, with phones.
        assert!(followups(&user(Role::ServiceAdvisor), None).is_err());
        let agent = followups(&user(Role::FollowUpAgent), None);
        assert_eq!(
            agent.map(|s| (s.dealers, s.contact)),
            Ok((Some(vec!["D001".into()]), true))
        );
        let Err(Denied(reason)) = followups(&user(Role::FollowUpAgent), Some("D002")) else {
            panic!("another dealer's calls");
        };
        assert!(
            reason.contains("follow-up calls of dealer D002"),
            "{reason}"
        );
        // Imports: admins, the dealer's managers, its write tokens.
        assert!(import_visits(&user(Role::GroupAdmin), "D002").is_ok());
        assert!(import_visits(&user(Role::DealerManager), "D001").is_ok());
        assert!(import_visits(&user(Role::DealerManager), "D002").is_err());
        assert!(import_visits(&user(Role::FollowUpAgent), "D001").is_err());
        assert!(import_visits(&user(Role::ServiceAdvisor), "D001").is_err());
        let write = Caller::Token {
            scope: dealers(&["D001"]),
            write: true,
        };
        assert!(import_visits(&write, "D001").is_ok());
        let read = Caller::Token {
            scope: dealers(&["D001"]),
            write: false,
        };
        assert!(import_visits(&read, "D001").is_err());
    }
}
