//! The message catalogue: every string a page shows comes from here. Chinese (zh-CN) is the
//! default; English (en) is the second locale. Catalogues are compiled into the binary.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::LazyLock;

/// A supported locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// 简体中文, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Locale {
    /// The BCP 47 tag used in `lang` attributes and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The other locale (the language switch offers it).
    pub fn other(self) -> Locale {
        match self {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        }
    }

    /// Reads a tag: `zh`, `zh-CN`, `zh-Hans`, `en`, `en-US` …
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::Zh),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut langs: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let locale = Locale::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, locale))
            })
            .collect();
        langs.sort_by(|a, b| b.0.total_cmp(&a.0));
        langs.first().map(|(_, l)| *l)
    }

    /// The catalogue of this locale.
    pub fn catalog(self) -> &'static Catalog {
        match self {
            Locale::Zh => &ZH,
            Locale::En => &EN,
        }
    }
}

/// The name of the cookie that remembers a chosen locale.
pub const LANG_COOKIE: &str = "jixiao_lang";

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = Infallible;

    /// The cookie wins (the user chose), then the browser's `Accept-Language`, then Chinese.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let from_cookie = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == LANG_COOKIE).then(|| Locale::parse(v)).flatten()
            });
        let from_header = || {
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        };
        Ok(from_cookie.or_else(from_header).unwrap_or_default())
    }
}

/// Messages of one locale.
#[derive(Debug)]
pub struct Catalog {
    locale: Locale,
    messages: HashMap<&'static str, &'static str>,
}

impl Catalog {
    fn parse(locale: Locale, source: &'static str) -> Catalog {
        let messages = source
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (k, v) = l.split_once('=')?;
                // A value in double quotes keeps its spaces at either end.
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                Some((k.trim(), v))
            })
            .collect();
        Catalog { locale, messages }
    }

    /// The locale.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The message for `key`; a missing key shows itself, so it is seen and fixed.
    pub fn get<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        match self.messages.get(key) {
            Some(m) => m,
            None => {
                tracing::warn!(key, locale = self.locale.tag(), "missing message");
                key
            }
        }
    }

    /// The message for `key` with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// Every key.
    pub fn keys(&self) -> impl Iterator<Item = &&'static str> {
        self.messages.keys()
    }
}

static ZH: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::parse(Locale::Zh, include_str!("../locales/zh-CN.txt")));
static EN: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::parse(Locale::En, include_str!("../locales/en.txt")));

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let zh: BTreeSet<_> = Locale::Zh.catalog().keys().collect();
        let en: BTreeSet<_> = Locale::En.catalog().keys().collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "zh only: {only_zh:?}, en only: {only_en:?}"
        );
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        for dir in ["templates", "src", "src/api"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for call in ["get(\"", "fill(\""] {
                    for (i, _) in text.match_indices(call) {
                        let rest = &text[i + call.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        let looks_like_key = key.contains('.')
                            && key
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "._".contains(c));
                        if looks_like_key && !Locale::Zh.catalog().messages.contains_key(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        // Keys built at run time, one of each family.
        for key in [
            "status.exceeded",
            "report.state.returned",
            "role.admin",
            "rule.count",
            "extension.state.pending",
            "report.done.saved",
            "scheme.state.active",
        ] {
            if !Locale::Zh.catalog().messages.contains_key(key) {
                missing.push(key.to_string());
            }
        }
        assert!(missing.is_empty(), "missing messages: {missing:#?}");
    }

    #[test]
    fn accept_language_picks_the_best_supported_locale() {
        let cases = [
            ("zh-CN,zh;q=0.9,en;q=0.8", Some(Locale::Zh)),
            ("en-US,en;q=0.9", Some(Locale::En)),
            ("fr-FR, en;q=0.5, zh;q=0.7", Some(Locale::Zh)),
            ("de", None),
            ("", None),
        ];
        for (header, want) in cases {
            assert_eq!(Locale::from_accept_language(header), want, "{header}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let c = Locale::Zh.catalog();
        assert_eq!(
            c.fill("period.quarter", &[("year", "2022"), ("n", "3")]),
            "2022年第3季度"
        );
    }
}
