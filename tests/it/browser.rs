//! The workflow in a real browser: headless Chromium driven through chromedriver.
//!
//! A reporter logs in, writes and saves a report, attaches evidence and submits; a reviewer
//! returns it with a reason; the reporter sees the reason and resubmits; the reviewer approves;
//! the unit's table then shows the new progress. Needs Debian's `chromium` and
//! `chromium-driver`; without them the test says so and passes, unless
//! `JIXIAO_REQUIRE_BROWSER=1` (CI sets it), which makes their absence a failure. A failing
//! step leaves a screenshot in `target/browser-failures/`.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use jixiao_domain::Role;

use crate::support::*;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_binary(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|n| std::path::Path::new(n).exists())
        .map(|n| n.to_string())
}

async fn start_browser() -> Option<(Driver, Client)> {
    let required = std::env::var("JIXIAO_REQUIRE_BROWSER").as_deref() == Ok("1");
    let driver_bin = find_binary(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let chrome_bin = find_binary(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let (Some(driver_bin), Some(chrome_bin)) = (driver_bin, chrome_bin) else {
        assert!(
            !required,
            "JIXIAO_REQUIRE_BROWSER=1 but chromium or chromedriver is missing \
             (apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "note: browser test skipped: chromium and chromium-driver are not installed \
             (apt-get install chromium chromium-driver; CI installs them)"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let profile = tempfile::tempdir().unwrap().keep();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": chrome_bin,
            // Government users' browsers ask for Chinese; so does this one.
            "prefs": { "intl.accept_languages": "zh-CN,zh" },
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1600", "--lang=zh-CN",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    }))
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(client) = ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            return Some((driver, client));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not accept a session on {url}");
}

/// Ends a browser test: on a failed step, leaves a screenshot and the page source as
/// `target/browser-failures/{name}.png|html` and fails with the step; closes the browser.
async fn finish(client: &Client, result: Step<()>, name: &str) {
    if let Err(step) = result {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-failures");
        std::fs::create_dir_all(&dir).ok();
        if let Ok(png) = client.screenshot().await {
            std::fs::write(dir.join(format!("{name}.png")), png).ok();
        }
        if let Ok(html) = client.source().await {
            std::fs::write(dir.join(format!("{name}.html")), html).ok();
        }
        let _ = client.clone().close().await;
        panic!(
            "browser step failed: {step} (screenshot and page in {})",
            dir.display()
        );
    }
    client.clone().close().await.unwrap();
}

/// The steps, with the page source on failure.
struct Steps<'a> {
    c: &'a Client,
    base: String,
}

type Step<T> = Result<T, String>;

impl Steps<'_> {
    async fn go(&self, path: &str) -> Step<()> {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .map_err(|e| format!("goto {path}: {e}"))
    }

    async fn fill(&self, css: &str, text: &str) -> Step<()> {
        let el = self
            .c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("find {css}: {e}"))?;
        el.clear().await.map_err(|e| format!("clear {css}: {e}"))?;
        el.send_keys(text)
            .await
            .map_err(|e| format!("type into {css}: {e}"))
    }

    async fn click(&self, css: &str) -> Step<()> {
        let el = self
            .c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("find {css}: {e}"))?;
        el.click().await.map_err(|e| format!("click {css}: {e}"))
    }

    async fn source(&self) -> Step<String> {
        self.c.source().await.map_err(|e| format!("source: {e}"))
    }

    async fn expect(&self, what: &str) -> Step<()> {
        for _ in 0..50 {
            if self.source().await?.contains(what) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("the page does not show {what:?}"))
    }

    async fn login(&self, user: &str) -> Step<()> {
        self.go("/login").await?;
        self.fill("#username", user).await?;
        self.fill("#password", PASSWORD).await?;
        self.click("form[action='/login'] button[type=submit]")
            .await?;
        self.expect("action=\"/logout\"").await
    }

    async fn logout(&self) -> Step<()> {
        self.click("form[action='/logout'] button").await?;
        self.expect("id=\"username\"").await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_filed_returned_and_approved_in_a_real_browser() {
    let Some((_driver, client)) = start_browser().await else {
        return;
    };
    let db = databases().await.remove(0);
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("t.txt");
    std::fs::write(
        &table,
        " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t\n\t100分\n",
    )
    .unwrap();
    let out = jixiao(
        &db.url,
        &["import", table.to_str().unwrap(), "--unit", "甲一单位"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let server = TestServer::start(db.store().await).await;
    server.add_user("tianbao", Role::Reporter, "甲一单位").await;
    server.add_user("shenhe", Role::Reviewer, "测试局").await;
    let unit = server
        .store
        .unit_by_name("甲一单位")
        .await
        .unwrap()
        .unwrap();
    let task = server
        .store
        .unit_table(1, unit.id, None)
        .await
        .unwrap()
        .unwrap()
        .tasks[0]
        .id;
    let evidence = dir.path().join("培训签到表.pdf");
    std::fs::write(&evidence, b"%PDF-1.4\n% evidence\n").unwrap();

    let steps = Steps {
        c: &client,
        base: server.base.clone(),
    };
    let task_page = format!("/tasks/{task}");
    let result: Step<()> = async {
        // The reporter writes, saves, attaches evidence and submits.
        steps.login("tianbao").await?;
        steps.go(&task_page).await?;
        steps.fill("textarea[name=text]", "已培训妇女600人").await?;
        steps.fill("input[name=self_score]", "60").await?;
        steps.click("button[value=save]").await?;
        steps.expect("已保存草稿").await?;
        let file = client
            .find(Locator::Css("input[type=file]"))
            .await
            .map_err(|e| format!("file input: {e}"))?;
        file.send_keys(&evidence.display().to_string())
            .await
            .map_err(|e| format!("choose file: {e}"))?;
        steps.click("form.upload button[type=submit]").await?;
        steps.expect("已上传佐证材料").await?;
        steps.expect("培训签到表.pdf").await?;
        steps.click("button[value=submit]").await?;
        steps.expect("已提交审核").await?;
        steps.logout().await?;

        // The reviewer reads first and decides below: the progress and the evidence come
        // before the decision bar, and at a phone's 390 px nothing runs off the side. The
        // screenshots stay in target/screenshots for a person to look at.
        steps.login("shenhe").await?;
        steps.go(&task_page).await?;
        review_screen(&client, "review").await?;
        steps
            .fill("form.decide input[name=reason]", "请补充下半年的培训人数")
            .await?;
        steps.click("button[value=return]").await?;
        steps.expect("已退回").await?;
        steps.logout().await?;

        // The reporter reads the reason, corrects and resubmits.
        steps.login("tianbao").await?;
        steps.go(&task_page).await?;
        steps.expect("请补充下半年的培训人数").await?;
        steps
            .fill("textarea[name=text]", "全年已培训妇女1200人")
            .await?;
        steps.click("button[value=submit]").await?;
        steps.expect("已提交审核").await?;
        steps.logout().await?;

        // The reviewer approves; the table shows the new progress.
        steps.login("shenhe").await?;
        steps.go(&task_page).await?;
        steps.click("button[value=approve]").await?;
        steps.expect("已审核通过").await?;
        steps.go(&format!("/schemes/1/units/{}", unit.id)).await?;
        steps.expect("全年已培训妇女1200人").await?;
        steps.expect("超额完成").await?;
        Ok(())
    }
    .await;

    finish(&client, result, "workflow").await;
    let report = server
        .store
        .task(task)
        .await
        .unwrap()
        .unwrap()
        .task
        .report
        .unwrap();
    assert_eq!(report.state, "approved");
    assert_eq!(server.store.attachments(report.id).await.unwrap().len(), 1);
}

/// The review screen at a desk's 1400 px and a phone's 390 px: its screenshots saved as
/// `target/screenshots/{name}-{width}.png`; the report read before the decision, the decision
/// bar in view on a desk, and no page wider than the window.
async fn review_screen(c: &Client, name: &str) -> Step<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (width, height) in [(1400u32, 900u32), (390, 844)] {
        c.set_window_size(width, height)
            .await
            .map_err(|e| format!("window {width}: {e}"))?;
        let facts = c
            .execute(
                "const bar = document.querySelector('.decision-bar'); \
                 const report = document.querySelector('article.report'); \
                 const b = bar.getBoundingClientRect(); \
                 return [ \
                   !!(report.compareDocumentPosition(bar) & Node.DOCUMENT_POSITION_FOLLOWING), \
                   b.top < window.innerHeight && b.bottom > 0, \
                   document.documentElement.scrollWidth <= window.innerWidth];",
                vec![],
            )
            .await
            .map_err(|e| format!("measure at {width}: {e}"))?;
        let png = c.screenshot().await.map_err(|e| e.to_string())?;
        std::fs::write(dir.join(format!("{name}-{width}.png")), png).map_err(|e| e.to_string())?;
        let got: Vec<bool> = serde_json::from_value(facts).map_err(|e| e.to_string())?;
        // On a desk the bar stays in view (sticky); on a phone it follows the report.
        let want = [true, width >= 720, true];
        if got[0] != want[0] || got[2] != want[2] || (want[1] && !got[1]) {
            return Err(format!(
                "review screen at {width} px: [report before the bar, bar on screen, no \
                 overflow] = {got:?}"
            ));
        }
    }
    c.set_window_size(1280, 1600)
        .await
        .map_err(|e| e.to_string())
}

/// What the browser drew of a page's charts: each SVG's title, rendered width and height,
/// and the labels it shows.
async fn charts(c: &Client) -> Step<Vec<(String, f64, f64, Vec<String>)>> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('figure svg')).map(s => { \
               const r = s.getBoundingClientRect(); \
               const t = s.querySelector('title'); \
               return [t ? t.textContent : '', r.width, r.height, \
                       Array.from(s.querySelectorAll('text')).map(x => x.textContent)]; })",
            vec![],
        )
        .await
        .map_err(|e| format!("script: {e}"))?;
    serde_json::from_value(v).map_err(|e| format!("chart data: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboards_draw_their_charts_labelled_in_chinese_in_a_real_browser() {
    let Some((_driver, client)) = start_browser().await else {
        return;
    };
    let db = databases().await.remove(0);
    let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let server = TestServer::start(db.store().await).await;
    server.add_user("kaoheban", Role::Admin, "枣庄市妇联").await;
    let steps = Steps {
        c: &client,
        base: server.base.clone(),
    };
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let result: Step<()> = async {
        steps.login("kaoheban").await?;
        for (path, shot, titles) in [
            (
                "/schemes/1/dashboard",
                "dashboard.png",
                [
                    "任务状态分布",
                    "各一级指标平均完成率",
                    "平均完成率与时间进度",
                ],
            ),
            (
                "/schemes/1/units/1/dashboard",
                "unit-dashboard.png",
                [
                    "任务状态分布",
                    "各一级指标平均完成率",
                    "平均完成率与时间进度",
                ],
            ),
        ] {
            steps.go(path).await?;
            steps.expect("</svg>").await?;
            let drawn = charts(&client).await?;
            let got: Vec<&str> = drawn.iter().map(|(t, ..)| t.as_str()).collect();
            if got != titles {
                return Err(format!("{path}: chart titles {got:?}"));
            }
            for (title, w, h, labels) in &drawn {
                if *w < 200.0 || *h < 100.0 {
                    return Err(format!("{path}: {title} is drawn {w}×{h}"));
                }
                if !labels
                    .iter()
                    .any(|l| l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
                {
                    return Err(format!("{path}: {title} has no Chinese label: {labels:?}"));
                }
            }
            let status_labels = &drawn[0].3;
            if !["严重滞后", "待评估", "已完成"]
                .iter()
                .all(|l| status_labels.iter().any(|x| x == l))
            {
                return Err(format!("{path}: status labels {status_labels:?}"));
            }
            let png = client
                .screenshot()
                .await
                .map_err(|e| format!("screenshot: {e}"))?;
            std::fs::write(shots.join(shot), png).map_err(|e| e.to_string())?;
        }
        steps.expect("单位看板：枣庄市妇联").await?;

        // On a phone the charts keep readable labels and scroll inside their frames; the page
        // itself does not run off the side.
        client
            .set_window_size(390, 844)
            .await
            .map_err(|e| format!("window 390: {e}"))?;
        let phone = client
            .execute(
                "const hs = Array.from(document.querySelectorAll('svg.chart text')) \
                   .map(t => t.getBoundingClientRect().height).filter(h => h > 0); \
                 return [Math.min(...hs), \
                   document.documentElement.scrollWidth <= window.innerWidth];",
                vec![],
            )
            .await
            .map_err(|e| format!("measure at 390: {e}"))?;
        let png = client.screenshot().await.map_err(|e| e.to_string())?;
        std::fs::write(shots.join("dashboard-390.png"), png).map_err(|e| e.to_string())?;
        let (smallest, fits): (f64, bool) =
            serde_json::from_value(phone).map_err(|e| e.to_string())?;
        if smallest < 9.0 || !fits {
            return Err(format!(
                "charts at 390 px: smallest label {smallest:.1} px high, page fits: {fits}"
            ));
        }
        client
            .set_window_size(1280, 1600)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
    .await;
    finish(&client, result, "dashboard").await;
}

/// A unit's rank on a ranking page (its row's 名次), when listed.
fn rank_of(html: &str, unit: &str) -> Option<usize> {
    let body = &html[html.find("<tbody>")?..];
    let row = &body[..body.find(&format!(">{unit}</a>"))?];
    let cell = "data-label=\"名次\">";
    let at = row.rfind(cell)? + cell.len();
    row[at..].split('<').next()?.trim().parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_does_not_move_the_official_ranking_and_only_approval_does_in_a_real_browser() {
    let Some((_driver, client)) = start_browser().await else {
        return;
    };
    let db = databases().await.remove(0);
    let dir = tempfile::tempdir().unwrap();
    let table = |progress: &str| {
        format!(
            " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t{progress}\n\t100分\n"
        )
    };
    // 乙 is on the office's record with half its target; 甲 has reported nothing yet.
    for (unit, progress) in [("甲一单位", ""), ("乙一单位", "已培训妇女500人")] {
        let path = dir.path().join(format!("{unit}.txt"));
        std::fs::write(&path, table(progress)).unwrap();
        let out = jixiao(&db.url, &["import", path.to_str().unwrap(), "--unit", unit]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let server = TestServer::start(db.store().await).await;
    server.add_user("tianbao", Role::Reporter, "甲一单位").await;
    server.add_user("shenhe", Role::Reviewer, "测试局").await;
    server.add_user("kaohe", Role::Admin, "测试局").await;
    let unit = server
        .store
        .unit_by_name("甲一单位")
        .await
        .unwrap()
        .unwrap();
    let task = server
        .store
        .unit_table(1, unit.id, None)
        .await
        .unwrap()
        .unwrap()
        .tasks[0]
        .id;
    let steps = Steps {
        c: &client,
        base: server.base.clone(),
    };
    let task_page = format!("/tasks/{task}");
    let jia = |html: &str| rank_of(html, "甲一单位");
    let result: Step<()> = async {
        steps.login("kaohe").await?;
        steps.go("/schemes/1/ranking").await?;
        steps.expect("正式口径").await?;
        let before = steps.source().await?;
        if (jia(&before), rank_of(&before, "乙一单位")) != (Some(2), Some(1)) {
            return Err("乙 leads before anything is reported".into());
        }
        steps.logout().await?;

        // A draft moves nothing official.
        steps.login("tianbao").await?;
        steps.go(&task_page).await?;
        steps.fill("textarea[name=text]", "已培训妇女900人").await?;
        steps.click("button[value=save]").await?;
        steps.expect("已保存草稿").await?;
        steps.go("/schemes/1/ranking").await?;
        steps.expect("正式口径").await?;
        // The reporter sees its own unit's row, with its place among all units.
        if jia(&steps.source().await?) != Some(2) {
            return Err("a draft moved the official ranking".into());
        }
        steps.go(&format!("/schemes/1/units/{}", unit.id)).await?;
        steps.expect("草稿").await?;

        // Submitted: still not official, but the provisional basis shows it, marked.
        steps.go(&task_page).await?;
        steps.click("button[value=submit]").await?;
        steps.expect("已提交审核").await?;
        steps.go("/schemes/1/ranking").await?;
        if jia(&steps.source().await?) != Some(2) {
            return Err("a submitted report moved the official ranking".into());
        }
        steps.click("p.basis a").await?;
        steps.expect("含待审口径（非正式结果）").await?;
        if jia(&steps.source().await?) != Some(1) {
            return Err("the provisional ranking leaves out the submitted report".into());
        }
        steps.logout().await?;

        // The reviewer approves: now it is official.
        steps.login("shenhe").await?;
        steps.go(&task_page).await?;
        steps.expect("审核通过后最终得分为 90").await?;
        steps.click("button[value=approve]").await?;
        steps.expect("已审核通过").await?;
        steps.go("/schemes/1/ranking").await?;
        steps.expect("正式口径").await?;
        if jia(&steps.source().await?) != Some(1) {
            return Err("the approved report is not in the official ranking".into());
        }
        Ok(())
    }
    .await;
    finish(&client, result, "basis").await;
}
