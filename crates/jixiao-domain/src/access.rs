//! Who may see and do what: roles, the units a user's role reaches, and account names.
//!
//! A user belongs to one unit. A reporter acts for that unit only; a reviewer and a viewer see
//! the subtree under their unit (a reviewer also reviews there); an admin (考核办) sees and does
//! everything of the appraisal. The system is run by three roles held apart (三员分立, 等保 2.0
//! level 3), none of which sees the appraisal's data: the 系统管理员 keeps accounts and units,
//! the 安全管理员 roles and locks, the 审计管理员 reads the audit log. Handlers ask these
//! questions; they never compare role strings themselves.

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
    /// 系统管理员: accounts of the appraisal's roles, units. Sees no appraisal data.
    SystemAdmin,
    /// 安全管理员: the roles of accounts, and lifting locks. Sees no appraisal data.
    SecurityAdmin,
    /// 审计管理员: reads and exports the audit log, nothing else.
    Auditor,
}

/// A duty of running the system, each held by its own role (三员分立).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duty {
    /// Accounts (create, deactivate, reset a password) and units: the 系统管理员.
    Accounts,
    /// Roles and locks: the 安全管理员.
    Security,
    /// The audit log: the 审计管理员.
    Audit,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Reviewer,
        Role::Reporter,
        Role::Viewer,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::Auditor,
    ];

    /// The roles of the appraisal (业务角色), the ones the system's administrators give.
    pub const BUSINESS: [Role; 4] = [Role::Admin, Role::Reviewer, Role::Reporter, Role::Viewer];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Reporter => "reporter",
            Role::Viewer => "viewer",
            Role::SystemAdmin => "sysadmin",
            Role::SecurityAdmin => "secadmin",
            Role::Auditor => "auditor",
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
            Role::SystemAdmin | Role::SecurityAdmin | Role::Auditor => Reach::Nothing,
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

    /// 考核办: manages schemes, their scoring, imports, periods and reviews.
    pub fn may_administer(self) -> bool {
        self == Role::Admin
    }

    /// The system duty this role holds, if it is one of the three administrators'.
    pub fn duty(self) -> Option<Duty> {
        match self {
            Role::SystemAdmin => Some(Duty::Accounts),
            Role::SecurityAdmin => Some(Duty::Security),
            Role::Auditor => Some(Duty::Audit),
            _ => None,
        }
    }

    /// Whether the role is one of the appraisal's (not a system administrator's).
    pub fn is_business(self) -> bool {
        self.duty().is_none()
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
    /// No unit: the system's administrators see none of the appraisal's data.
    Nothing,
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
    /// Too few kinds of characters for its length.
    #[error(
        "密码须包含大写字母、小写字母、数字、其他符号中的至少三种（16 位及以上的口令句至少两种）"
    )]
    TooSimple,
    /// A password that guessing tools try first, or the account's own name.
    #[error("密码过于常见或包含用户名，请换一个")]
    Guessable,
    /// An unknown role.
    #[error(
        "未知角色「{0}」，可用：admin、reviewer、reporter、viewer，\
         以及管理员 sysadmin、secadmin、auditor"
    )]
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

/// Pieces that make a password guessable wherever they stand in it (compared lowercased).
const GUESSABLE: [&str; 12] = [
    "password", "passw0rd", "p@ssw0rd", "123456", "654321", "qwerty", "asdfgh", "zxcvbn", "abc123",
    "admin", "111111", "000000",
];

impl TryFrom<String> for Password {
    type Error = AccountError;
    /// The policy (等保 2.0: 口令复杂度): at least 10 characters; at least three of upper case,
    /// lower case, digits and other characters — or two for a passphrase of 16 and more;
    /// nothing that guessing tools try first.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let len = s.chars().count();
        if len < Password::MIN_LEN {
            return Err(AccountError::ShortPassword(Password::MIN_LEN));
        }
        let kinds = [
            s.chars().any(|c| c.is_ascii_lowercase()),
            s.chars().any(|c| c.is_ascii_uppercase()),
            s.chars().any(|c| c.is_ascii_digit()),
            s.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|k| **k)
        .count();
        if kinds < if len >= 16 { 2 } else { 3 } {
            return Err(AccountError::TooSimple);
        }
        let lower = s.to_lowercase();
        if GUESSABLE.iter().any(|g| lower.contains(g)) {
            return Err(AccountError::Guessable);
        }
        Ok(Password(s))
    }
}

impl Password {
    /// The password for account `username`: the policy, and not containing the name.
    pub fn for_user(s: String, username: &str) -> Result<Password, AccountError> {
        let name = username.trim().to_lowercase();
        if name.chars().count() >= 3 && s.to_lowercase().contains(&name) {
            return Err(AccountError::Guessable);
        }
        Password::try_from(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_administrators_hold_one_duty_each_and_none_of_the_appraisal() {
        let duties: Vec<Option<Duty>> = [Role::SystemAdmin, Role::SecurityAdmin, Role::Auditor]
            .iter()
            .map(|r| r.duty())
            .collect();
        assert_eq!(
            duties,
            [
                Some(Duty::Accounts),
                Some(Duty::Security),
                Some(Duty::Audit)
            ]
        );
        for r in [Role::SystemAdmin, Role::SecurityAdmin, Role::Auditor] {
            assert_eq!(r.reach(), Reach::Nothing, "{r}");
            assert!(
                !r.may_report() && !r.may_review() && !r.may_administer(),
                "{r}"
            );
        }
        for r in Role::BUSINESS {
            assert_eq!(
                r.duty(),
                None,
                "{r}: the appraisal's roles run nothing of the system"
            );
        }
    }

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
            assert_eq!(r.is_business(), Role::BUSINESS.contains(&r));
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
    fn passwords_need_length_kinds_of_characters_and_nothing_guessable() {
        let cases: &[(&str, Result<(), AccountError>)] = &[
            ("Aa1!", Err(AccountError::ShortPassword(10))),
            ("aaaaaaaaaaaa", Err(AccountError::TooSimple)),
            ("abcdefghij12", Err(AccountError::TooSimple)),
            ("Abcdefghij12", Ok(())),
            ("Password1234", Err(AccountError::Guessable)),
            ("Qwerty-lake-9", Err(AccountError::Guessable)),
            ("correct horse battery", Ok(())),
            ("correcthorsebatterystaple", Err(AccountError::TooSimple)),
            ("绩效考核系统2024年度", Err(AccountError::TooSimple)),
            ("绩效考核系统2024年度Ok", Ok(())),
        ];
        for (p, want) in cases {
            assert_eq!(Password::try_from(p.to_string()).map(|_| ()), *want, "{p}");
        }
        assert_eq!(
            Password::for_user("Zhangsan-2024!".into(), "ZhangSan").map(|_| ()),
            Err(AccountError::Guessable)
        );
        assert!(Password::for_user("Lake-Tai-2024".into(), "zhangsan").is_ok());
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(Password::try_from("short".to_string()).is_err());
        let p = Password::try_from("long enough secret".to_string()).unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
