//! Who may see and do what: roles, the units a user's role reaches, and account names.
//!
//! A user belongs to one unit. A reporter acts for that unit only; a reviewer and a viewer see
//! the subtree under their unit (a reviewer also reviews there); an admin (考核办) sees and does
//! everything. Handlers ask these questions; they never compare role strings themselves.

use serde::Serialize;
use std::fmt;

/// A user's role (product.md, "Who uses it").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 考核办: schemes, units, users; everything.
    Admin,
    /// 主管部门: reviews the units under it.
    Reviewer,
    /// 被考核单位填报员: writes its own unit's progress.
    Reporter,
    /// 领导: reads, within its scope.
    Viewer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Reviewer, Role::Reporter, Role::Viewer];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Reporter => "reporter",
            Role::Viewer => "viewer",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Whether the role reaches the units below its own (reviewers, viewers) or everything
    /// (admins), rather than its own unit only (reporters).
    pub fn reach(self) -> Reach {
        match self {
            Role::Admin => Reach::Everything,
            Role::Reviewer | Role::Viewer => Reach::Subtree,
            Role::Reporter => Reach::OwnUnit,
        }
    }

    /// Writes and submits progress for units in reach.
    pub fn may_report(self) -> bool {
        matches!(self, Role::Reporter | Role::Admin)
    }

    /// Approves or returns submitted progress for units in reach.
    pub fn may_review(self) -> bool {
        matches!(self, Role::Reviewer | Role::Admin)
    }

    /// Manages schemes, units and users, and reads the audit log.
    pub fn may_administer(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How far a role sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every unit.
    Everything,
    /// The user's unit and every unit below it.
    Subtree,
    /// The user's unit only.
    OwnUnit,
}

/// A login name: 3–32 of ASCII letters, digits, `.`, `_`, `-`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

/// Why a username or password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The username's shape.
    #[error("用户名须为 3–32 位字母、数字或 . _ -，并以字母或数字开头")]
    BadUsername,
    /// Too short a password.
    #[error("密码至少 {0} 位")]
    ShortPassword(usize),
    /// An unknown role.
    #[error("未知角色「{0}」，可用：admin、reviewer、reporter、viewer")]
    UnknownRole(String),
}

impl TryFrom<&str> for Username {
    type Error = AccountError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        let s = s.trim();
        let ok = (3..=32).contains(&s.len())
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(Username(s.to_ascii_lowercase()))
        } else {
            Err(AccountError::BadUsername)
        }
    }
}

impl Username {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the minimum length. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The shortest password accepted.
    pub const MIN_LEN: usize = 10;

    /// The password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl TryFrom<String> for Password {
    type Error = AccountError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.chars().count() < Password::MIN_LEN {
            Err(AccountError::ShortPassword(Password::MIN_LEN))
        } else {
            Ok(Password(s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_reach_as_the_product_says() {
        assert_eq!(Role::Admin.reach(), Reach::Everything);
        assert_eq!(Role::Reviewer.reach(), Reach::Subtree);
        assert_eq!(Role::Viewer.reach(), Reach::Subtree);
        assert_eq!(Role::Reporter.reach(), Reach::OwnUnit);
        assert!(Role::Reporter.may_report() && !Role::Reporter.may_review());
        assert!(Role::Reviewer.may_review() && !Role::Reviewer.may_report());
        assert!(!Role::Viewer.may_report() && !Role::Viewer.may_review());
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
    }

    #[test]
    fn usernames_are_checked_and_lowercased() {
        assert_eq!(
            Username::try_from(" Zhang.San ").unwrap().as_str(),
            "zhang.san"
        );
        for bad in ["ab", "-abc", "张三", "a b c", &"x".repeat(33)] {
            assert!(Username::try_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(Password::try_from("short".to_string()).is_err());
        let p = Password::try_from("long enough secret".to_string()).unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
