//! The transport of 催报 reminders: an e-mail through the government network's SMTP relay, and
//! a text message posted to a group robot's webhook. What to send and when is
//! `jixiao_app::reminders`'; this crate only carries it, as a [`Courier`].
//!
//! Both speak plain protocols to intranet hosts: SMTP without TLS to a relay (which forwards
//! with whatever the network requires) and `http://` webhooks. A `https://` webhook is refused
//! when the server starts, with the reason, rather than failing at every delivery.

use std::time::Duration;

use jixiao_app::reminders::Courier;
use jixiao_store::Delivery;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A setting the server cannot use; the text says which and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The SMTP relay's address.
    #[error("SMTP 地址「{0}」无效：应为 smtp://主机:端口，可带 用户名:口令@")]
    Smtp(String),
    /// The sender's address.
    #[error("发件人「{0}」无效：应为 地址 或 名称 <地址>")]
    From(String),
    /// The webhook's URL.
    #[error(
        "催报 Webhook 地址「{0}」无效：应为内网 http:// 地址（本程序不内置 TLS，https 请经内网代理转发）"
    )]
    Webhook(String),
}

/// Where e-mail goes: `smtp://[user:password@]host[:port]` and the sender.
#[derive(Debug, Clone)]
pub struct SmtpRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpRelay {
    /// A relay from its URL and the sender (`考核办 <kaohe@example.gov.cn>`).
    pub fn new(url: &str, from: &str, timeout: Duration) -> Result<SmtpRelay, ConfigError> {
        let bad = || ConfigError::Smtp(url.to_string());
        let rest = url.strip_prefix("smtp://").ok_or_else(bad)?;
        let (auth, host_port) = match rest.rsplit_once('@') {
            Some((auth, hp)) => (Some(auth), hp),
            None => (None, rest),
        };
        let host_port = host_port.trim_end_matches('/');
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
            None => (host_port, 25),
        };
        if host.is_empty() || host.contains('/') {
            return Err(bad());
        }
        // A relay on the government network, spoken to without TLS (see the crate's note).
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(timeout));
        if let Some(auth) = auth {
            let (user, password) = auth.split_once(':').ok_or_else(bad)?;
            builder = builder.credentials(Credentials::new(user.to_string(), password.to_string()));
        }
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| ConfigError::From(from.to_string()))?;
        Ok(SmtpRelay {
            transport: builder.build(),
            from,
        })
    }

    async fn send(&self, d: &Delivery) -> Result<(), String> {
        let to = d
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| format!("收件地址「{}」无效：{e}", d.recipient))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(d.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(d.body.clone())
            .map_err(|e| format!("邮件无法生成：{e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("邮件服务器：{e}"))
    }
}

/// Checks a webhook URL once, when the server starts.
pub fn check_webhook(url: &str) -> Result<String, ConfigError> {
    let ok = url
        .strip_prefix("http://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !url.chars().any(char::is_control);
    if ok {
        Ok(url.to_string())
    } else {
        Err(ConfigError::Webhook(url.to_string()))
    }
}

/// Carries deliveries: e-mail through the relay (when one is configured), webhook posts over
/// HTTP.
#[derive(Debug, Clone)]
pub struct Carrier {
    smtp: Option<SmtpRelay>,
    http: reqwest::Client,
}

impl Carrier {
    /// A carrier; `timeout` bounds one webhook post (the relay has its own).
    pub fn new(smtp: Option<SmtpRelay>, timeout: Duration) -> Carrier {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            // A robot's URL never redirects; following one could post the message elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Carrier { smtp, http }
    }

    async fn post(&self, d: &Delivery) -> Result<(), String> {
        let response = self
            .http
            .post(&d.recipient)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .body(d.body.clone())
            .send()
            .await
            .map_err(|e| format!("Webhook 无法送达：{e}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!("Webhook 答复 {status}：{}", clip(&text)));
        }
        robot_verdict(&text)
    }
}

/// 企业微信 and 钉钉 answer 200 with `{"errcode": N, "errmsg": …}`: a non-zero code is a
/// refusal (a bad key, a message too long, too many messages a minute).
fn robot_verdict(body: &str) -> Result<(), String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return Ok(());
    };
    match v.get("errcode").and_then(serde_json::Value::as_i64) {
        Some(code) if code != 0 => {
            let msg = v.get("errmsg").and_then(|m| m.as_str()).unwrap_or_default();
            Err(format!("群机器人拒收（errcode {code}）：{}", clip(msg)))
        }
        _ => Ok(()),
    }
}

/// At most 200 characters of an answer, for the record.
fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}

impl Courier for Carrier {
    async fn deliver(&self, d: &Delivery) -> Result<(), String> {
        match d.channel.as_str() {
            "email" => match &self.smtp {
                Some(relay) => relay.send(d).await,
                None => Err("未配置邮件服务器（--smtp）".to_string()),
            },
            "webhook" => self.post(d).await,
            other => Err(format!("未知的送达方式「{other}」")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_addresses_are_read_with_or_without_port_and_login() {
        let t = Duration::from_secs(5);
        for ok in [
            "smtp://mail.gov.local",
            "smtp://127.0.0.1:2525",
            "smtp://kaohe:secret@mail.gov.local:587/",
        ] {
            assert!(
                SmtpRelay::new(ok, "考核办 <kaohe@example.gov.cn>", t).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "mail.gov.local",
            "smtp://",
            "smtp://host:port",
            "smtp://user@host",
        ] {
            assert!(
                matches!(SmtpRelay::new(bad, "a@b.cn", t), Err(ConfigError::Smtp(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            SmtpRelay::new("smtp://h", "not an address", t),
            Err(ConfigError::From(_))
        ));
    }

    #[test]
    fn only_plain_http_webhooks_on_a_host_are_taken() {
        assert!(check_webhook("http://10.1.2.3:8080/cgi-bin/webhook/send?key=abc").is_ok());
        for bad in [
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "http://",
            "http:///path",
            "ftp://host",
            "http://host/\nx",
        ] {
            assert!(check_webhook(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_robot_that_answers_a_nonzero_errcode_refused_the_message() {
        assert_eq!(robot_verdict(r#"{"errcode":0,"errmsg":"ok"}"#), Ok(()));
        assert_eq!(robot_verdict("OK"), Ok(()));
        let refused = robot_verdict(r#"{"errcode": 93000, "errmsg": "invalid webhook url"}"#);
        assert_eq!(
            refused,
            Err("群机器人拒收（errcode 93000）：invalid webhook url".to_string())
        );
    }
}
