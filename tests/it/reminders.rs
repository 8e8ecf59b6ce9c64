//! 催报 end to end: the office reminds the units that have not reported; the reporter's 待办
//! shows it at once; the worker delivers an e-mail through a real SMTP conversation (a local
//! sink) and a webhook post (a local HTTP receiver that fails first), retries, and reports a
//! delivery that fails for good; the scheduled reminder goes out once; nobody reminds outside
//! their reach.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use jixiao_app::reminders::{Channels, RetryPolicy, Round, Worker};
use jixiao_domain::Role;
use jixiao_web::WebConfig;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t就业创业服务\n\t新增城镇就业500人\n\t\n\t60分\n\n\t\n\t\n\t优化营商环境\n\t企业开办时间压缩至1个工作日\n\t\n\t40分\n";

/// A message the SMTP sink took: its recipients and its decoded text.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    headers: String,
    text: String,
}

/// A local SMTP server that accepts every message (the relay a county's network provides).
async fn smtp_sink() -> (SocketAddr, Arc<Mutex<Vec<Mail>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let kept = mails.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut to = Vec::new();
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        to.push(line[8..].trim().trim_matches(['<', '>']).to_string());
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        w.write_all(b"354 go on\r\n").await.unwrap();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if r.read_line(&mut l).await.unwrap_or(0) == 0 || l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        let (headers, body) = data.split_once("\r\n\r\n").unwrap_or((&data, ""));
                        let text = if headers.contains("Content-Transfer-Encoding: base64") {
                            let raw: String = body.split_whitespace().collect();
                            String::from_utf8(
                                base64::engine::general_purpose::STANDARD
                                    .decode(raw)
                                    .unwrap(),
                            )
                            .unwrap()
                        } else {
                            body.to_string()
                        };
                        kept.lock().unwrap().push(Mail {
                            to: std::mem::take(&mut to),
                            headers: headers.to_string(),
                            text,
                        });
                        b"250 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (addr, mails)
}

/// A local HTTP receiver standing in for a group robot: it keeps every body it gets and
/// answers 500 to as many posts as `fail` says, then `{"errcode":0}`.
async fn webhook_receiver() -> (String, Arc<Mutex<Vec<String>>>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/cgi-bin/webhook/send?key=k1",
        listener.local_addr().unwrap()
    );
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let fail = Arc::new(AtomicUsize::new(0));
    let (kept, failing) = (bodies.clone(), fail.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (kept, failing) = (kept.clone(), failing.clone());
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut r = BufReader::new(r);
                let mut length = 0;
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                r.read_exact(&mut body).await.unwrap();
                kept.lock().unwrap().push(String::from_utf8(body).unwrap());
                let failed = failing
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                let answer = if failed {
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy"
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 27\r\nconnection: close\r\n\r\n{\"errcode\":0,\"errmsg\":\"ok\"}"
                };
                w.write_all(answer.as_bytes()).await.unwrap();
            });
        }
    });
    (url, bodies, fail)
}

#[tokio::test]
async fn the_office_reminds_units_not_reported_and_every_delivery_is_sent_retried_or_reported() {
    for db in databases().await {
        let (smtp, mails) = smtp_sink().await;
        let (hook, posts, fail) = webhook_receiver().await;
        let channels = Channels {
            email: true,
            webhook: Some(hook.clone()),
        };
        let server = TestServer::start_with(
            two_departments(&db, TABLE).await,
            WebConfig {
                reminders: channels.clone(),
                ..WebConfig::default()
            },
        )
        .await;
        let worker = Worker::new(
            server.store.clone(),
            jixiao_notify::Carrier::new(
                Some(
                    jixiao_notify::SmtpRelay::new(
                        &format!("smtp://{smtp}"),
                        "考核办 <kaohe@zz.gov.cn>",
                        Duration::from_secs(5),
                    )
                    .unwrap(),
                ),
                Duration::from_secs(5),
            ),
            channels,
            // Retried at once, two attempts in all: the test drives the rounds itself.
            RetryPolicy {
                first_wait: Duration::ZERO,
                attempts: 2,
                timeout: Duration::from_secs(5),
            },
        );
        let office = server.login_as("office", Role::Admin, "市政府").await;
        let jia = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let yi = server.login_as("yi1", Role::Reporter, "乙一单位").await;
        let reviewer_b = server.login_as("shen_b", Role::Reviewer, "乙部门").await;

        // Each reporter keeps an address; one that is none is refused with what was typed.
        let csrf = jia.csrf().await;
        let r = jia
            .post(
                "/account/email",
                &[("csrf", &csrf), ("email", "jia1@zz.gov.cn\r\nBcc: x@y.cn")],
            )
            .await;
        assert_eq!(r.status, 400, "{}", db.backend);
        assert!(r.body.contains("不是有效的电子邮箱地址"), "{}", r.body);
        let r = jia
            .post(
                "/account/email",
                &[("csrf", &csrf), ("email", "jia1@zz.gov.cn")],
            )
            .await;
        assert_eq!(r.status, 303);
        assert!(
            jia.get("/account")
                .await
                .body
                .contains("value=\"jia1@zz.gov.cn\"")
        );
        let csrf = yi.csrf().await;
        yi.post(
            "/account/email",
            &[("csrf", &csrf), ("email", "yi1@zz.gov.cn")],
        )
        .await;

        // 乙一单位 submits both its tasks: only 甲一单位 is left to remind.
        let yi_unit = server
            .store
            .unit_by_name("乙一单位")
            .await
            .unwrap()
            .unwrap()
            .id;
        let jia_unit = server
            .store
            .unit_by_name("甲一单位")
            .await
            .unwrap()
            .unwrap()
            .id;
        let yi_tasks = server
            .store
            .unit_table(1, yi_unit, None)
            .await
            .unwrap()
            .unwrap()
            .tasks;
        for (task, text) in yi_tasks
            .iter()
            .zip(["新增城镇就业520人", "已压缩至1个工作日"])
        {
            let r = yi
                .post(
                    &format!("/tasks/{}/report", task.id),
                    &[
                        ("csrf", &csrf),
                        ("period", "2023"),
                        ("text", text),
                        ("action", "submit"),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let page = office.get("/schemes/1/completeness").await.body;
        assert!(
            page.contains(&format!("name=\"unit\" value=\"{jia_unit}\"")),
            "甲一单位 can be ticked"
        );
        assert!(
            !page.contains(&format!("name=\"unit\" value=\"{yi_unit}\"")),
            "乙一单位 has reported: nothing to tick"
        );
        assert!(page.contains("催报全部未报送单位（1 个）"), "{page}");

        // Nobody reminds outside their reach, and a reporter reminds nobody.
        let csrf_b = reviewer_b.csrf().await;
        let jia_id = jia_unit.to_string();
        let forged = [
            ("csrf", csrf_b.as_str()),
            ("period", "2023"),
            ("kind", "missing"),
            ("unit", jia_id.as_str()),
        ];
        let r = reviewer_b.post("/schemes/1/reminders", &forged).await;
        assert_eq!(r.status, 400, "乙部门 cannot remind 甲一单位: {}", r.body);
        assert!(r.body.contains("不在您的管理范围内"), "{}", r.body);
        let csrf_jia = jia.csrf().await;
        let r = jia
            .post(
                "/schemes/1/reminders",
                &[
                    ("csrf", &csrf_jia),
                    ("period", "2023"),
                    ("kind", "missing"),
                    ("all", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(reviewer_b.get("/schemes/1/reminders").await.status, 200);
        assert_eq!(jia.get("/schemes/1/reminders").await.status, 404);

        // The office reminds every unit not reported: stored at once, the page does not wait.
        let csrf_o = office.csrf().await;
        fail.store(1, Ordering::SeqCst);
        let r = office
            .post(
                "/schemes/1/reminders",
                &[
                    ("csrf", &csrf_o),
                    ("period", "2023"),
                    ("kind", "missing"),
                    ("all", "1"),
                    ("note", "请周五前完成"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/schemes/1/reminders?sent=1"));
        assert!(
            mails.lock().unwrap().is_empty(),
            "nothing is sent while the page waits"
        );
        let todo = jia.get("/todo").await.body;
        assert!(
            todo.contains("催报提醒") && todo.contains("附言：请周五前完成"),
            "{todo}"
        );
        assert!(todo.contains("office的名字"), "who reminded: {todo}");
        assert!(
            !yi.get("/todo").await.body.contains("催报提醒"),
            "乙一单位 was not reminded"
        );

        // Round one: the e-mail goes out; the robot answers 500 and is tried again.
        let first = worker.round().await.unwrap();
        assert_eq!(
            first,
            Round {
                scheduled: 0,
                delivered: 1,
                retrying: 1,
                failed: 0
            },
            "{}",
            db.backend
        );
        {
            let mails = mails.lock().unwrap();
            assert_eq!(mails.len(), 1);
            assert_eq!(mails[0].to, ["jia1@zz.gov.cn"], "only 甲一单位's reporter");
            assert!(
                mails[0].headers.contains("kaohe@zz.gov.cn"),
                "{}",
                mails[0].headers
            );
            assert!(
                mails[0].text.starts_with("甲一单位：「2023年度测试考核工作任务要点完成进度情况」2023年度尚有任务未报送进展"),
                "{}",
                mails[0].text
            );
            assert!(mails[0].text.contains("附言：请周五前完成"));
        }
        let second = worker.round().await.unwrap();
        assert_eq!(
            second,
            Round {
                scheduled: 0,
                delivered: 1,
                retrying: 0,
                failed: 0
            }
        );
        assert_eq!(
            worker.round().await.unwrap(),
            Round::default(),
            "nothing sent twice"
        );
        let sent = posts.lock().unwrap().clone();
        assert_eq!(sent.len(), 2, "one failed post, one delivered");
        let v: serde_json::Value = serde_json::from_str(&sent[1]).unwrap();
        assert_eq!(v["msgtype"], "text");
        let content = v["text"]["content"].as_str().unwrap();
        assert!(content.contains("催报单位（1 个）：甲一单位"), "{content}");
        assert!(!content.contains("乙一单位"), "{content}");
        let page = office.get("/schemes/1/reminders").await.body;
        assert!(page.contains("最近一次失败：Webhook 答复 500"), "{page}");

        // A robot that keeps failing: tried twice, then reported as failed.
        fail.store(10, Ordering::SeqCst);
        let r = office
            .post(
                "/schemes/1/reminders",
                &[
                    ("csrf", &csrf_o),
                    ("period", "2023"),
                    ("kind", "missing"),
                    ("unit", &jia_id),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(
            worker.round().await.unwrap(),
            Round {
                scheduled: 0,
                delivered: 1,
                retrying: 1,
                failed: 0
            }
        );
        assert_eq!(
            worker.round().await.unwrap(),
            Round {
                scheduled: 0,
                delivered: 0,
                retrying: 0,
                failed: 1
            }
        );
        let page = office.get("/schemes/1/reminders").await.body;
        assert!(
            page.contains("class=\"has-missing\""),
            "the failed sending stands out"
        );

        // Scheduled: three days before the deadline, once however many rounds run.
        let r = office
            .post(
                "/schemes/1/reminders/schedule",
                &[("csrf", &csrf_o), ("days", "99")],
            )
            .await;
        assert_eq!(r.status, 400);
        assert!(r.body.contains("「99」不是有效的天数"), "{}", r.body);
        let r = office
            .post(
                "/schemes/1/reminders/schedule",
                &[("csrf", &csrf_o), ("days", "3")],
            )
            .await;
        assert_eq!(r.status, 303);
        let in_two_days =
            jixiao_domain::deadline::date_of(chrono::Utc::now()) + chrono::Duration::days(2);
        let period: jixiao_domain::Period = "2023".parse().unwrap();
        server
            .store
            .set_period(
                &jixiao_store::Actor::cli(),
                1,
                period,
                Some(
                    &jixiao_domain::deadline::end_of_day(in_two_days)
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                ),
            )
            .await
            .unwrap();
        fail.store(0, Ordering::SeqCst);
        let round = worker.round().await.unwrap();
        assert_eq!(round.scheduled, 1, "{}", db.backend);
        assert_eq!(round.delivered, 2, "an e-mail and a post");
        assert_eq!(worker.round().await.unwrap(), Round::default(), "sent once");
        let page = office.get("/schemes/1/reminders").await.body;
        assert!(
            page.contains("定时（未报送）") && page.contains("系统（定时催报）"),
            "{page}"
        );
        assert!(page.contains("截止临近"), "{page}");
        let (batches, total) = server.store.reminder_batches(1, (10, 0)).await.unwrap();
        assert_eq!(total, 3);
        assert_eq!(batches.iter().map(|b| b.failed).sum::<i64>(), 1);
        assert!(batches.iter().all(|b| b.pending == 0));

        let out = jixiao(&db.url, &["audit", "verify"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}
