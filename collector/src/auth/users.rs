//! Creating accounts, from the command line (`collector user add`, the first group
//! admin) and from the console (a manager adding their advisors and agents). One set
//! of checks for both.

use super::password;
use super::rule::{Role, Scope};
use crate::store::NewUser;
use survey_core::context::check_context_value;

/// What a new account is asked to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub login: String,
    pub password: String,
    pub role: Role,
    pub dealers: Vec<String>,
    pub advisor: Option<String>,
}

/// Checks a request and hashes its password: the row to store, or the one-line reason.
pub fn prepare(req: Request, id: String, created_at: String) -> Result<NewUser, String> {
    let login = req.login.trim().to_lowercase();
    if login.is_empty() || login.chars().count() > 64 || login.chars().any(char::is_whitespace) {
        return Err("the login must be 1 to 64 characters without spaces".into());
    }
    password::check_new(&req.password)?;
    for dealer in &req.dealers {
        check_context_value(dealer).map_err(|e| format!("dealer {dealer:?}: {e}"))?;
    }
    match req.role {
        Role::GroupAdmin if !req.dealers.is_empty() => {
            return Err("a group admin sees every dealer; give no dealers".into())
        }
        Role::GroupAdmin => {}
        _ if req.dealers.is_empty() => {
            return Err(format!("a {} needs at least one dealer", req.role))
        }
        _ => {}
    }
    let advisor = match (req.role, req.advisor) {
        (Role::ServiceAdvisor, Some(a)) => {
            check_context_value(&a).map_err(|e| format!("advisor {a:?}: {e}"))?;
            Some(a)
        }
        (Role::ServiceAdvisor, None) => {
            return Err("a service advisor needs their advisor id (as in the survey links)".into())
        }
        (_, Some(_)) => return Err("only a service advisor has an advisor id".into()),
        (_, None) => None,
    };
    Ok(NewUser {
        id,
        login,
        password_hash: password::hash(&req.password)?,
        role: req.role,
        dealers: req.dealers,
        advisor,
        created_at,
    })
}

/// The scope the new account would have, to check the creator may grant it.
pub fn scope_of(req: &Request) -> Scope {
    crate::store::accounts::scope_of(req.role, req.dealers.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(role: Role, dealers: &[&str], advisor: Option<&str>) -> Request {
        Request {
            login: " Li.Wei ".into(),
            password: "a long enough password".into(),
            role,
            dealers: dealers.iter().map(|d| d.to_string()).collect(),
            advisor: advisor.map(str::to_string),
        }
    }

    #[test]
    fn checks() {
        let ok = prepare(
            req(Role::ServiceAdvisor, &["D001"], Some("A07")),
            "id".into(),
            "t".into(),
        );
        assert_eq!(ok.as_ref().map(|u| u.login.as_str()), Ok("li.wei"));
        assert!(prepare(
            req(Role::ServiceAdvisor, &["D001"], None),
            "i".into(),
            "t".into()
        )
        .is_err());
        assert!(prepare(
            req(Role::GroupAdmin, &["D001"], None),
            "i".into(),
            "t".into()
        )
        .is_err());
        assert!(prepare(req(Role::DealerManager, &[], None), "i".into(), "t".into()).is_err());
        assert!(prepare(
            req(Role::DealerManager, &["D 1"], None),
            "i".into(),
            "t".into()
        )
        .is_err());
        assert!(prepare(
            req(Role::FollowUpAgent, &["D001"], Some("A1")),
            "i".into(),
            "t".into()
        )
        .is_err());
        let mut short = req(Role::GroupAdmin, &[], None);
        short.password = "short".into();
        assert!(prepare(short, "i".into(), "t".into()).is_err());
    }
}
