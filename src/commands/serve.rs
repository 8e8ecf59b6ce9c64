//! `jixiao serve [--bind ADDR] [--demo]`: the web app until Ctrl-C or SIGTERM.

use anyhow::Context;
use jixiao_web::{AppState, WebConfig};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::net::TcpListener;

use crate::cli::ServeArgs;
use crate::demo::{self, DemoLoad};

pub async fn run(db: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_store(db).await?;
    if args.demo {
        match demo::load(&store).await? {
            DemoLoad::Loaded { tasks } => outln!("已载入演示数据：{tasks} 项任务"),
            DemoLoad::AlreadyHasData => outln!("数据库中已有考核方案，未重复载入演示数据"),
        }
        let accounts = demo::accounts(&store).await?;
        if accounts.is_empty() {
            outln!("数据库中已有账户，未创建演示账户");
        } else {
            outln!("演示账户（密码只显示这一次）：");
            for a in &accounts {
                outln!(
                    "  {:<9} {:<9} 密码 {}",
                    a.username,
                    a.role.code(),
                    a.password
                );
            }
        }
    }
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("无法监听 {}（端口被占用？可用 --bind 换一个）", args.bind))?;
    let addr = listener.local_addr()?;
    // Scripts and tests read this line to find the port when binding port 0.
    outln!(
        "jixiao 已启动：http://{addr}/  （数据库：{}）",
        super::redact(db)
    );
    std::io::stdout().flush()?;
    tracing::info!(%addr, "listening");

    // 催报: e-mail and webhook settings are checked before the server answers anything.
    let timeout = std::time::Duration::from_secs(20);
    let relay = args
        .smtp
        .as_deref()
        .map(|url| jixiao_notify::SmtpRelay::new(url, &args.mail_from, timeout))
        .transpose()?;
    let channels = jixiao_app::reminders::Channels {
        email: relay.is_some(),
        webhook: args
            .reminder_webhook
            .as_deref()
            .map(jixiao_notify::check_webhook)
            .transpose()?,
    };
    let state = AppState {
        store: store.clone(),
        config: Arc::new(WebConfig {
            secure_cookies: args.secure_cookies,
            api_limiter: jixiao_web::api::ApiLimiter::per_minute(args.api_requests_per_minute),
            session_idle: std::time::Duration::from_secs(args.session_idle_minutes * 60),
            trusted_proxies: args.trusted_proxies.clone(),
            connections: jixiao_web::ConnectionLimits {
                header_timeout: std::time::Duration::from_secs(args.header_timeout_seconds.max(1)),
                per_address: args.connections_per_address.max(1),
            },
            reminders: channels.clone(),
            password_max_age: (args.password_max_age_days > 0)
                .then(|| std::time::Duration::from_secs(args.password_max_age_days * 86_400)),
            ..WebConfig::default()
        }),
    };
    // Reminders' e-mails and webhook posts go out in the background, on every instance (each
    // claims its deliveries in the database); the scheduled ones are stored once.
    let reminding = {
        let worker = jixiao_app::reminders::Worker::new(
            store.clone(),
            jixiao_notify::Carrier::new(relay, timeout),
            channels,
            jixiao_app::reminders::RetryPolicy {
                first_wait: std::time::Duration::from_secs(args.reminder_retry_seconds),
                timeout,
                ..Default::default()
            },
        );
        tokio::spawn(worker.run(std::time::Duration::from_secs(args.reminder_seconds)))
    };
    // Stale score summaries are recomputed in the background, by one instance at a time.
    let refresher = (args.refresh_seconds > 0).then(|| {
        let holder = jixiao_app::refresh::holder_name(&addr.to_string());
        jixiao_app::refresh::Refresher::new(store.clone(), holder)
            .spawn(std::time::Duration::from_secs(args.refresh_seconds))
    });
    // Anchors of the audit log go to a file outside the database at intervals (when the log
    // moved), and once more at the stop.
    let anchoring = args.audit_anchor_file.clone().map(|file| {
        let store = store.clone();
        let every = std::time::Duration::from_secs(args.audit_anchor_seconds.max(1));
        tokio::spawn(async move {
            let mut last: Option<i64> = None;
            loop {
                match store.audit_anchor().await {
                    Ok(Some(a)) if last != Some(a.id) => {
                        match super::audit::append_anchor(&store, &file).await {
                            Ok(written) => last = written.map(|w| w.id),
                            Err(e) => tracing::error!(error = %e, "audit anchor not written"),
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "audit anchor not read"),
                }
                tokio::time::sleep(every).await;
            }
        })
    });
    jixiao_web::serve(listener, state, shutdown_signal())
        .await
        .context("网页服务异常退出")?;
    reminding.abort();
    if let Some(task) = refresher {
        task.abort();
    }
    if let Some(task) = anchoring {
        task.abort();
        if let Some(file) = &args.audit_anchor_file
            && let Err(e) = super::audit::append_anchor(&store, file).await
        {
            tracing::error!(error = %e, "audit anchor not written at the stop");
        }
    }
    store.close().await;
    let _ = writeln!(std::io::stdout(), "jixiao 已停止");
    Ok(ExitCode::SUCCESS)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
